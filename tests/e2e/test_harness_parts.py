"""The harness's pure parts: image names and an image nothing stands in for, `$(VAR)` references, paths resolved
inside a container's root, the strict `elasticsearch-keystore` stand-in."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from podpatterns.pod.model import Manifest

from ..conftest import STACKS
from ..lib.harness.images import Image, ImageContext, UnknownImageError, image_for, repository
from ..lib.harness.podfields import UnsupportedPodFieldError, check_pod_fields
from ..lib.harness.podspec import ContainerSpecError, expand, identity_of
from ..lib.harness.rootfs import inside
from ..lib.standins.elasticsearch_keystore import USAGE, KeystoreError, read_keystore, run


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("busybox:1.36.1", "docker.io/library/busybox"),
        ("hashicorp/vault:1.18.3", "docker.io/hashicorp/vault"),
        ("docker.io/library/nginx:1.27.3-alpine", "docker.io/library/nginx"),
        (
            "quay.io/prometheuscommunity/elasticsearch-exporter:v1.5.0",
            "quay.io/prometheuscommunity/elasticsearch-exporter",
        ),
        ("localhost:5000/app@sha256:" + "a" * 64, "localhost:5000/app"),
    ],
)
def test_image_names_are_normalised_as_a_container_runtime_does(image: str, expected: str) -> None:
    assert repository(image) == expected


def test_an_image_nothing_stands_in_for_is_an_error_naming_the_container(tmp_path: Path) -> None:
    """run_pod looks up every image first: such a pod stops before anything of it runs."""
    shipper = {"name": "ship-logs", "image": "registry.example.com/log-shipper:2.0"}
    with pytest.raises(UnknownImageError) as unknown:
        image_for(shipper, ImageContext(tmp_path, {}, None))
    assert "container 'ship-logs'" in str(unknown.value)
    assert "'registry.example.com/log-shipper:2.0'" in str(unknown.value)


def test_references_expand_only_when_defined() -> None:
    assert expand("http://$(POD_IP):9200/$(UNSET)", {"POD_IP": "10.0.0.2"}) == "http://10.0.0.2:9200/$(UNSET)"


def test_symlinks_are_followed_inside_the_root_never_to_the_host(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    (layer / "usr" / "local").mkdir(parents=True)
    (layer / "usr" / "local" / "escape").symlink_to("/run/elsewhere")
    (layer / "bin").mkdir()
    assert inside("/usr/local/escape/file", layer) == "run/elsewhere/file"  # the root's /run, not the host's
    assert inside("/bin/sh", layer) == "bin/sh"  # the layer's real directory wins over the host's symlink
    assert inside("/vault/secrets/../token", None) == "vault/token"
    if Path("/var/run").is_symlink():
        assert (
            inside("/var/run/secrets/vault", None)
            == f"{Path('/var/run').readlink().as_posix().lstrip('/')}/secrets/vault"
        )


def test_run_as_non_root_refuses_root() -> None:
    container = {"name": "app", "securityContext": {"runAsNonRoot": True}}
    with pytest.raises(ContainerSpecError, match="container 'app': runAsNonRoot is set but it would run as root"):
        identity_of(container, {}, Image(entrypoint=("app",), user=0))
    assert identity_of(container, {"securityContext": {"runAsUser": 10}}, Image(entrypoint=("app",))).uid == 10


@pytest.mark.parametrize("stack", STACKS)
def test_every_rendered_pod_has_only_fields_the_harness_honours(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    pods = [m for m in rendered[stack] if m["kind"] in ("Deployment", "StatefulSet")]
    assert pods
    for workload in pods:
        check_pod_fields(workload["metadata"]["name"], workload["spec"]["template"]["spec"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shareProcessNamespace", True, "spec.shareProcessNamespace: True: the harness only implements false"),
        ("hostNetwork", True, "spec.hostNetwork: True"),
        ("hostPID", True, "spec.hostPID: True"),
        ("hostIPC", True, "spec.hostIPC: True"),
        ("automountServiceAccountToken", True, "spec.automountServiceAccountToken: True"),
        ("runtimeClassName", "gvisor", "spec.runtimeClassName: 'gvisor': the harness does not implement it"),
        ("securityContext", {"sysctls": []}, "spec.securityContext.sysctls"),
    ],
)
def test_a_pod_field_the_harness_cannot_honour_stops_the_pod_by_name(field: str, value: object, message: str) -> None:
    spec = {"containers": [], "automountServiceAccountToken": False, "enableServiceLinks": False, field: value}
    with pytest.raises(UnsupportedPodFieldError, match=f"pod 'web-0': {re.escape(message)}"):
        check_pod_fields("web-0", spec)


def test_absent_means_the_kubernetes_default() -> None:
    with pytest.raises(UnsupportedPodFieldError, match=r"spec\.enableServiceLinks: 'absent"):
        check_pod_fields("web-0", {"containers": [], "automountServiceAccountToken": False})
    check_pod_fields("web-0", {"containers": [], "automountServiceAccountToken": False, "enableServiceLinks": False})


def keystore_tool(command_line: str, keystore: Path, stdin: str) -> str:
    """The keystore stand-in run in-process with `elasticsearch-keystore`'s arguments, as a shell splits them."""
    return run(shlex.split(command_line), keystore, stdin)


def test_the_keystore_tool_adds_from_stdin_with_force_and_lists_names_only(tmp_path: Path) -> None:
    keystore = tmp_path / "elasticsearch.keystore"
    assert keystore_tool("add --force --stdin bootstrap.password", keystore, "p w\n") == ""
    keystore_tool("add -f -x s3.client.default.access_key s3.client.default.secret_key", keystore, "A\nS")
    assert read_keystore(keystore) | {"keystore.seed": "-"} == {
        "bootstrap.password": "p w",
        "keystore.seed": "-",
        "s3.client.default.access_key": "A",
        "s3.client.default.secret_key": "S",
    }
    assert keystore_tool("list", keystore, "") == (
        "bootstrap.password\nkeystore.seed\ns3.client.default.access_key\ns3.client.default.secret_key\n"
    )


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        ("add --stdin a.b", "v", "keystore does not exist. Do you want to create it?"),  # no --force
        ("add --force a.b", "v", "Enter value for a.b"),  # no --stdin: would prompt on a terminal
        ("add --force --stdin a.b c.d", "only one line", "missing value for setting [c.d]"),
        ("add --force --stdin 'a b'", "v", "does not match the allowed setting name pattern"),
        ("add --force --stdin", "v", "setting names can not be null"),
        ("list", "", "keystore not found"),
    ],
)
def test_the_keystore_tool_fails_where_the_real_one_would(
    tmp_path: Path, arguments: str, stdin: str, message: str
) -> None:
    keystore = tmp_path / "elasticsearch.keystore"
    with pytest.raises(KeystoreError) as error:
        keystore_tool(arguments, keystore, stdin)
    assert message in str(error.value)
    assert not keystore.exists()  # nothing half-written


def test_the_keystore_tool_refuses_unknown_options_and_silent_overwrites(tmp_path: Path) -> None:
    keystore = tmp_path / "elasticsearch.keystore"
    keystore_tool("add --force --stdin a.b", keystore, "1")
    with pytest.raises(KeystoreError) as unknown:
        keystore_tool("add --stdin --password a.b", keystore, "2")
    assert unknown.value.code == USAGE
    with pytest.raises(KeystoreError, match=re.escape("Setting a.b already exists. Overwrite?")):
        keystore_tool("add --stdin a.b", keystore, "2")
    assert read_keystore(keystore)["a.b"] == "1"
