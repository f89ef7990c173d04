"""The pod model merges contributions and rejects conflicts, naming both parties."""

from __future__ import annotations

import pytest
from podpatterns import PodConflictError, PodContribution, merge_pod
from podpatterns.pod.model import observe_merged_pods


def app(**extra: object) -> PodContribution:
    container = {"name": "app", "image": "app:1", "ports": [{"name": "http", "containerPort": 8080}]}
    return PodContribution(
        source="App 'web'",
        containers=[container],
        volumes=[{"name": "data", "emptyDir": {}}],
        service_ports=[{"name": "http", "port": 80, "targetPort": "http"}],
        **extra,  # type: ignore[arg-type]
    )


def sidecar(name: str = "proxy", port: int = 8443, **extra: object) -> PodContribution:
    container = {"name": name, "image": "proxy:1", "ports": [{"name": "https", "containerPort": port}]}
    return PodContribution(source=f"Pattern '{name}'", containers=[container], **extra)  # type: ignore[arg-type]


def test_contributions_land_in_one_pod() -> None:
    pod = merge_pod(
        "app",
        [
            app(),
            sidecar(
                volumes=[{"name": "certs", "secret": {"secretName": "tls"}}],
                app_env=[{"name": "PROXY", "value": "on"}],
                app_volume_mounts=[{"name": "certs", "mountPath": "/certs", "readOnly": True}],
                service_ports=[{"name": "https", "port": 443, "targetPort": "https"}],
                pod_annotations={"example.com/hash": "abc"},
                init_containers=[{"name": "prepare", "image": "busybox:1"}],
                native_sidecars=[{"name": "tail", "image": "busybox:1"}],
            ),
        ],
    )
    assert [c["name"] for c in pod.containers] == ["app", "proxy"]
    assert [c["name"] for c in pod.init_containers] == ["prepare", "tail"]
    assert pod.init_containers[1]["restartPolicy"] == "Always"
    assert "restartPolicy" not in pod.init_containers[0]
    app_container = pod.containers[0]
    assert app_container["env"] == [{"name": "PROXY", "value": "on"}]
    assert app_container["volumeMounts"] == [{"name": "certs", "mountPath": "/certs", "readOnly": True}]
    assert [v["name"] for v in pod.volumes] == ["data", "certs"]
    assert [p["port"] for p in pod.service_ports] == [80, 443]
    assert pod.annotations == {"example.com/hash": "abc"}
    assert all("__source__" not in c for c in pod.containers + pod.init_containers)


def test_merge_does_not_modify_the_contributions() -> None:
    base = app()
    merge_pod("app", [base, sidecar(app_env=[{"name": "X", "value": "1"}])])
    assert "env" not in base.containers[0]


def test_port_conflict_names_both_containers() -> None:
    with pytest.raises(PodConflictError) as caught:
        merge_pod("app", [app(), sidecar(port=8080)])
    message = str(caught.value)
    assert "port 8080/TCP" in message
    assert "container 'app' (from App 'web')" in message
    assert "container 'proxy' (from Pattern 'proxy')" in message
    assert "share one network namespace" in message


def test_native_sidecar_ports_share_the_pod_network() -> None:
    tail = PodContribution(
        source="Pattern 'tail'",
        native_sidecars=[{"name": "tail", "image": "t:1", "ports": [{"containerPort": 8080}]}],
    )
    with pytest.raises(PodConflictError, match="container 'tail'"):
        merge_pod("app", [app(), tail])


def test_same_number_on_udp_and_tcp_is_no_conflict() -> None:
    dns = PodContribution(
        source="Pattern 'dns'",
        containers=[{"name": "dns", "image": "d:1", "ports": [{"containerPort": 8080, "protocol": "UDP"}]}],
    )
    assert len(merge_pod("app", [app(), dns]).containers) == 2


def test_loopback_listener_conflicts_with_a_declared_port() -> None:
    hidden = app(loopback_ports={"app": [9201]})
    with pytest.raises(PodConflictError, match=r"container 'app' \(from App 'web', on 127\.0\.0\.1\)"):
        merge_pod("app", [hidden, sidecar(port=9201)])


def test_duplicate_container_name() -> None:
    with pytest.raises(PodConflictError, match="container name 'app' is claimed by App 'web' and by Pattern 'app'"):
        merge_pod("app", [app(), sidecar(name="app", port=1)])


def test_init_container_names_share_the_namespace_of_names() -> None:
    init = PodContribution(source="Init 'x'", init_containers=[{"name": "app", "image": "b:1"}])
    with pytest.raises(PodConflictError, match="container name 'app'"):
        merge_pod("app", [app(), init])


def test_duplicate_volume_name() -> None:
    other = sidecar(volumes=[{"name": "data", "emptyDir": {}}])
    with pytest.raises(PodConflictError, match="volume name 'data' is claimed by App 'web' and by Pattern 'proxy'"):
        merge_pod("app", [app(), other])


def test_two_mounts_at_one_path() -> None:
    first = sidecar(
        volumes=[{"name": "a", "emptyDir": {}}, {"name": "b", "emptyDir": {}}],
        app_volume_mounts=[{"name": "a", "mountPath": "/x"}, {"name": "b", "mountPath": "/x"}],
    )
    with pytest.raises(PodConflictError) as caught:
        merge_pod("app", [app(), first])
    assert "mount path /x in container 'app'" in str(caught.value)
    assert "volume 'a'" in str(caught.value)
    assert "volume 'b'" in str(caught.value)


def test_mount_of_undeclared_volume() -> None:
    with pytest.raises(PodConflictError, match="mounts volume 'ghost'"):
        merge_pod("app", [app(), sidecar(app_volume_mounts=[{"name": "ghost", "mountPath": "/g"}])])


def test_claim_templates_count_as_volumes() -> None:
    pod = merge_pod("app", [app(), sidecar(app_volume_mounts=[{"name": "pvc", "mountPath": "/p"}])], ["pvc"])
    assert pod.containers[0]["volumeMounts"][0]["name"] == "pvc"


def test_env_variable_set_twice() -> None:
    one, two = (sidecar(name=n, port=p, app_env=[{"name": "MODE", "value": n}]) for n, p in (("a", 1), ("b", 2)))
    with pytest.raises(PodConflictError, match="env variable MODE of container 'app' is claimed by Pattern 'a' and by"):
        merge_pod("app", [app(), one, two])


def test_service_port_and_annotation_conflicts() -> None:
    with pytest.raises(PodConflictError, match="Service port 80"):
        merge_pod("app", [app(), sidecar(service_ports=[{"name": "other", "port": 80}])])
    # A Service's port names must be unique too (the API server refuses the Service otherwise).
    same_name = sidecar(service_ports=[{"name": "http", "port": 8443, "targetPort": "https"}])
    with pytest.raises(PodConflictError, match="Service port name 'http' is claimed by App 'web' and by Pattern"):
        merge_pod("app", [app(), same_name])
    one = sidecar(name="a", port=1, pod_annotations={"k": "1"})
    two = sidecar(name="b", port=2, pod_annotations={"k": "2"})
    with pytest.raises(PodConflictError, match="pod annotation k is claimed by Pattern 'a' and by Pattern 'b'"):
        merge_pod("app", [app(), one, two])


def test_missing_application_container() -> None:
    with pytest.raises(PodConflictError, match="application container 'web'"):
        merge_pod("web", [app()])


def test_pod_level_fields_merge_and_conflict() -> None:
    vault = sidecar(name="vault", port=1, service_account_name="search", pod_sysctls=[{"name": "net.x", "value": "1"}])
    pod = merge_pod("app", [app(), vault])
    assert pod.service_account_name == "search"
    assert pod.sysctls == [{"name": "net.x", "value": "1"}]
    other = sidecar(name="other", port=2, service_account_name="other", pod_sysctls=[{"name": "net.x", "value": "2"}])
    with pytest.raises(PodConflictError, match="the pod's ServiceAccount is claimed by Pattern 'vault' and by"):
        merge_pod("app", [app(), vault, sidecar(name="o", port=3, service_account_name="o")])
    with pytest.raises(PodConflictError, match=r"sysctl net\.x is claimed by Pattern 'vault' and by Pattern 'other'"):
        merge_pod("app", [app(), vault, other])


def test_mounts_into_a_named_container_of_another_contribution() -> None:
    shared = PodContribution(
        source="Pattern 'vault'",
        volumes=[{"name": "secrets", "emptyDir": {"medium": "Memory"}}],
        container_volume_mounts={"proxy": [{"name": "secrets", "mountPath": "/secrets", "readOnly": True}]},
    )
    proxy = sidecar()
    pod = merge_pod("app", [app(), proxy, shared])
    assert pod.containers[1]["volumeMounts"] == [{"name": "secrets", "mountPath": "/secrets", "readOnly": True}]
    assert "volumeMounts" not in proxy.containers[0]  # the contribution itself is untouched


def test_mount_into_a_container_nobody_provides() -> None:
    stray = PodContribution(source="Pattern 'vault'", container_volume_mounts={"exporter": []})
    with pytest.raises(PodConflictError, match="Pattern 'vault' mounts volumes into container 'exporter'"):
        merge_pod("app", [app(), stray])


def test_loopback_listeners_and_connections_are_kept_for_the_diagrams() -> None:
    hidden = app(loopback_ports={"app": [9201]})
    proxy = sidecar(loopback_connections={"proxy": [9201]})
    exporter = sidecar("exporter", 9114, loopback_connections={"exporter": [8443, 9201]})
    pod = merge_pod("app", [hidden, proxy, exporter])
    assert pod.app_container == "app"
    assert pod.loopback_ports == {"app": [9201]}
    assert pod.loopback_connections == {"proxy": [9201], "exporter": [8443, 9201]}


def test_a_loopback_connection_from_a_container_nobody_provides_is_refused() -> None:
    stray = sidecar(loopback_connections={"ghost": [8080]})
    with pytest.raises(PodConflictError, match="loopback connection comes from container 'ghost'"):
        merge_pod("app", [app(), stray])


def test_merged_pods_are_observed_only_inside_the_block() -> None:
    merge_pod("app", [app()])
    with observe_merged_pods() as pods:
        first = merge_pod("app", [app()])
        second = merge_pod("app", [app(), sidecar()])
    merge_pod("app", [app()])
    assert pods == [first, second]
