"""Pod diagrams (podpatterns.render.diagram) on small hand-made pods: what is drawn, and what is not guessed."""

from __future__ import annotations

from typing import Any

from podpatterns import PodContribution, merge_pod
from podpatterns.render.diagram import pod_diagrams

LABELS = {"app": "web"}


def deployment(pod: Any, namespace: str = "shop") -> dict[str, Any]:
    spec = {"containers": pod.containers, "initContainers": pod.init_containers, "volumes": pod.volumes}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": namespace},
        "spec": {"template": {"metadata": {"labels": LABELS}, "spec": spec}},
    }


def service(name: str, selector: dict[str, str], namespace: str = "shop", **spec: Any) -> dict[str, Any]:
    ports = [{"name": "https", "port": 443, "targetPort": "https"}]
    return {
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": selector, "ports": ports, **spec},
    }


WEB = PodContribution(
    source="web",
    containers=[{"name": "web", "image": "web:1", "volumeMounts": [{"name": "cache", "mountPath": "/c"}]}],
    volumes=[{"name": "cache", "emptyDir": {}}, {"name": 'odd"name', "configMap": {"name": "c"}}],
    loopback_ports={"web": [8080]},
)
PROXY = PodContribution(
    source="proxy",
    containers=[{"name": "proxy", "image": "p:1", "ports": [{"name": "https", "containerPort": 8443}]}],
    loopback_connections={"proxy": [8080, 9999]},
)


def test_services_selecting_the_pod_in_its_namespace_only() -> None:
    pod = merge_pod("web", [WEB, PROXY])
    objects = [
        deployment(pod),
        service("web", LABELS),
        service("other-app", {"app": "other"}),
        service("web", LABELS, namespace="elsewhere"),
        service("web-headless", LABELS, clusterIP="None"),
    ]
    (text,) = pod_diagrams(objects, [pod]).values()
    assert 's_web{{"Service web"}}' in text
    assert 's_web_headless{{"headless Service web-headless"}}' in text
    assert "other_app" not in text
    assert text.count("s_web -->") == 1
    assert 's_web -->|":443 → https"| c_proxy' in text
    assert "peers --> s_web_headless" in text


def test_loopback_connections_to_declared_listeners_and_to_nobody() -> None:
    pod = merge_pod("web", [WEB, PROXY])
    (text,) = pod_diagrams([deployment(pod)], [pod]).values()
    assert 'c_web["app: web<br/>127.0.0.1:8080"]' in text
    assert 'c_proxy -->|"127.0.0.1:8080"| c_web' in text
    # Nobody declares 9999: the port is drawn as such, not attributed to a guessed container.
    assert 'p_9999(("127.0.0.1:9999<br/>no declared listener"))' in text
    assert 'c_proxy -->|"127.0.0.1:9999"| p_9999' in text


def test_mounts_labels_and_quotes() -> None:
    pod = merge_pod("web", [WEB, PROXY])
    (text,) = pod_diagrams([deployment(pod)], [pod]).values()
    assert "c_web -->|writes| v_cache" in text
    assert 'v_odd_name[("odd#quot;name<br/>configMap c")]' in text
    assert text.startswith("flowchart LR\n  %% Pod of Deployment shop/web: written by python -m podpatterns.render")


def test_without_its_merged_pod_a_workload_is_drawn_from_its_spec() -> None:
    pod = merge_pod("web", [WEB, PROXY])
    (text,) = pod_diagrams([deployment(pod)], []).values()
    assert 'c_web["container: web"]' in text  # no app role, no loopback listener known
    assert 'c_proxy["container: proxy<br/>pod IP :8443 https"]' in text
    assert "127.0.0.1" not in text


def test_objects_without_a_pod_template_get_no_diagram() -> None:
    assert pod_diagrams([service("web", LABELS)], []) == {}
