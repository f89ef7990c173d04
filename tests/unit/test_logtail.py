"""LogTailSidecar: pure contribution, settings errors, and the component under mocks, on a non-Elasticsearch pod."""

from __future__ import annotations

import pulumi
import pytest
from podpatterns import LogTailSidecar, LogTailSidecarArgs, PodContribution, merge_pod
from podpatterns.render import run_with_mocks

from ..lib.support.workload_targets import workload_target

WEB = workload_target("web")
WEB_POD = PodContribution(
    source="web app",
    containers=[
        {"name": "web", "image": "nginx:1.27.3", "volumeMounts": [{"name": "logs", "mountPath": "/var/log/nginx"}]}
    ],
    volumes=[{"name": "logs", "emptyDir": {"sizeLimit": "256Mi"}}],
)


def args(**overrides: object) -> LogTailSidecarArgs:
    base: LogTailSidecarArgs = {
        "target": WEB,
        "volume": "logs",
        "directory": "/var/log/nginx",
        "files": ["access.log", "error.log"],
    }
    return {**base, **overrides}  # type: ignore[typeddict-item]


def test_one_restricted_read_only_tailer_per_file_on_a_plain_web_server() -> None:
    contribution = LogTailSidecar.plan("web-logs", args(kubernetes_version="1.30"))
    pod = merge_pod("web", [WEB_POD, contribution])
    sidecars = [c for c in pod.init_containers if c.get("restartPolicy") == "Always"]
    assert [c["name"] for c in sidecars] == ["tail-access-log", "tail-error-log"]
    for sidecar, file in zip(sidecars, ["access.log", "error.log"], strict=True):
        assert sidecar["command"][:2] == ["sh", "-c"]
        assert 'tail -F -n +1 "$1"' in sidecar["command"][2]
        assert sidecar["command"][3:] == ["log-tail", f"/var/log/nginx/{file}"]
        assert sidecar["volumeMounts"] == [{"name": "logs", "mountPath": "/var/log/nginx", "readOnly": True}]
        assert sidecar["image"] == "busybox:1.36.1"
        security = sidecar["securityContext"]
        assert security["runAsNonRoot"] is True
        assert security["readOnlyRootFilesystem"] is True
        assert security["runAsUser"] == 65534
        assert set(sidecar["resources"]) == {"requests", "limits"}


@pytest.mark.parametrize(
    ("mode", "version", "native"),
    [("auto", "1.29", True), ("auto", "1.28", False), ("classic", "1.33", False), ("native", "1.29", True)],
)
def test_native_sidecar_from_kubernetes_1_29_unless_switched(mode: str, version: str, native: bool) -> None:
    contribution = LogTailSidecar.plan("web-logs", args(mode=mode, kubernetes_version=version))
    assert bool(contribution.native_sidecars) is native
    assert bool(contribution.containers) is not native


def test_component_under_mocks() -> None:
    def program(component_args: LogTailSidecarArgs) -> None:
        tailer = LogTailSidecar("web-logs", component_args)
        pulumi.export("containers", tailer.container_names)
        pulumi.export("native", tailer.native)

    recording = run_with_mocks(lambda: program(args()), project="test", stack="unit")
    (component,) = recording.registrations
    assert component.type == "podpatterns:index:LogTailSidecar"
    assert recording.outputs == {"containers": ["tail-access-log", "tail-error-log"], "native": True}
