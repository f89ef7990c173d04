"""Issue 7, test 6 (second half): a failing init container keeps the app from starting, and the harness
says which one failed and why; an image nothing stands in for stops the pod before anything runs."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from podpatterns.render import Recording

from ..lib.harness import Cluster, PodStartError, UnknownImageError
from ..lib.standins.vault import PROD_KV

MISSING = "secret/data/search/prod/elastic"


def test_a_secret_missing_from_vault_fails_the_vault_init_container_and_the_app_never_starts(
    recordings: dict[str, Recording], vault_agent: Path, tmp_path: Path
) -> None:
    kv = {path: data for path, data in PROD_KV.items() if path != MISSING}
    with (
        Cluster(recordings["prod"], tmp_path, vault_agent=vault_agent, vault_kv=kv) as cluster,
        pytest.raises(PodStartError) as failed,
        cluster.run(cluster.workload("elasticsearch")),
    ):
        pytest.fail("the pod started without its secrets")
    assert failed.value.container == "vault-agent-init"
    assert "(init) failed with exit code 1" in str(failed.value)
    assert f"no secret exists at {MISSING}" in str(failed.value)
    assert failed.value.started == ["config-init", "sysctl-init", "vault-agent-init"]


def test_a_node_sysctl_it_cannot_read_as_a_number_fails_the_sysctl_init_container(
    recordings: dict[str, Recording], vault_agent: Path, tmp_path: Path
) -> None:
    node = {"vm.max_map_count": "lots"}
    with (
        Cluster(recordings["prod"], tmp_path, vault_agent=vault_agent, vault_kv=PROD_KV, node_sysctls=node) as cluster,
        pytest.raises(PodStartError) as failed,
        cluster.run(cluster.workload("elasticsearch")),
    ):
        pytest.fail("the pod started on a node it could not prepare")
    assert failed.value.container == "sysctl-init"
    assert "holds 'lots', not a whole number: refusing to change it" in str(failed.value)
    assert "elasticsearch" not in failed.value.started
    assert cluster.sysctls["vm.max_map_count"].read_text() == "lots\n"


def test_an_image_without_a_stand_in_is_an_error_naming_the_container(
    recordings: dict[str, Recording], tmp_path: Path
) -> None:
    with Cluster(recordings["dev"], tmp_path) as cluster:
        workload = copy.deepcopy(cluster.workload("elasticsearch"))
        tailer = workload["spec"]["template"]["spec"]["initContainers"][1]
        tailer["image"] = "registry.example.com/log-shipper:2.0"
        with pytest.raises(UnknownImageError) as unknown, cluster.run(workload) as pod:
            pytest.fail(f"the pod ran: {pod.events}")
    assert f"container '{tailer['name']}'" in str(unknown.value)
    assert "'registry.example.com/log-shipper:2.0'" in str(unknown.value)
    assert not list(tmp_path.glob("pod*/logs/*"))  # nothing ran, not even the init containers before it
