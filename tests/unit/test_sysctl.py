"""SysctlInit: which sysctls go where, least privilege, errors; on a non-Elasticsearch workload."""

from __future__ import annotations

import pulumi
from podpatterns import SysctlInit, SysctlInitArgs
from podpatterns.render import run_with_mocks

from ..lib.support.workload_targets import workload_target

CACHE = workload_target("cache", app_container="redis", app_port=6379)


def args(*sysctls: str, **overrides: object) -> SysctlInitArgs:
    return {"target": CACHE, "sysctls": list(sysctls), **overrides}  # type: ignore[typeddict-item]


def test_namespaced_sysctls_go_to_the_pod_and_node_level_ones_to_one_privileged_init() -> None:
    contribution = SysctlInit.plan(
        "cache-sysctl", args("net.ipv4.tcp_keepalive_time=600", "vm.overcommit_memory=1", "fs.file-max=1000000")
    )
    assert list(contribution.pod_sysctls) == [{"name": "net.ipv4.tcp_keepalive_time", "value": "600"}]
    (init,) = contribution.init_containers
    assert init["command"][3:] == ["sysctl-init", "vm.overcommit_memory=1", "fs.file-max=1000000"]
    assert init["securityContext"] == {
        "privileged": True,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": False,
        "runAsUser": 0,
        "runAsGroup": 0,
    }
    assert init["resources"] == {
        "limits": {"cpu": "50m", "memory": "16Mi"},
        "requests": {"cpu": "10m", "memory": "8Mi"},
    }
    assert "volumeMounts" not in init  # it needs nothing but /proc/sys


def test_only_namespaced_sysctls_need_no_privileged_container() -> None:
    contribution = SysctlInit.plan("cache-sysctl", args("net.ipv4.ip_local_port_range=1024 65000"))
    assert contribution.init_containers == []
    assert list(contribution.pod_sysctls) == [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65000"}]


def test_component_under_mocks() -> None:
    def program(component_args: SysctlInitArgs) -> None:
        pulumi.export("privileged", SysctlInit("cache-sysctl", component_args).privileged)

    recording = run_with_mocks(lambda: program(args("vm.max_map_count=262144")), project="test", stack="unit")
    (component,) = recording.registrations
    assert component.type == "podpatterns:index:SysctlInit"
    assert recording.outputs == {"privileged": True}
