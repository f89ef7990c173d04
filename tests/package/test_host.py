"""Components constructed the way the component host constructs them for other languages (see host.py)."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import struct_pb2
from podpatterns.render import Recording, kubernetes_objects
from podpatterns.render.offline import deploy_time_placeholder
from podpatterns.settings import SettingsError
from pulumi.errors import InputPropertiesError, InputPropertyError
from pulumi.runtime import rpc

from ..lib.package_host import EngineOutput, construct

WEB_TARGET = {
    "name": "web",
    "namespace": "shop",
    "labels": {"app": "web"},
    "appContainer": "web",
    "appPort": 8443,
    "serviceName": "web",
}


def test_whole_numbers_arrive_as_floats_and_are_used_as_integers() -> None:
    values = {
        "namespace": "search",
        "elasticsearch": {"nodes": 3, "storageSize": "10Gi", "terminationGracePeriodSeconds": 60},
        "tls": {"keyAlgorithm": "RSA", "rsaBits": 3072},
    }
    struct = struct_pb2.Struct()
    struct.update(values)
    assert rpc.deserialize_properties(struct)["elasticsearch"]["nodes"] == 3.0  # a float on the wire
    assert isinstance(rpc.deserialize_properties(struct)["elasticsearch"]["nodes"], float)

    recording, state = construct("ElasticsearchApp", values)
    objects = kubernetes_objects(recording)
    (statefulset,) = [m for m in objects if m["kind"] == "StatefulSet"]
    assert statefulset["spec"]["replicas"] == 3
    assert statefulset["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 60
    # Numbers that end up in text show whether they were used as integers: 3 pods, not 3.0.
    (config,) = [m for m in objects if m["kind"] == "ConfigMap" and "elasticsearch.yml" in m.get("data", {})]
    assert (
        "initial_master_nodes:\n- elasticsearch-0\n- elasticsearch-1\n- elasticsearch-2\n"
        in (config["data"]["elasticsearch.yml"])
    )
    (request,) = [r for r in recording.registrations if r.name == "it-tls-server-csr"]
    assert "*.elasticsearch-headless.search.svc" in request.inputs["dnsNames"]
    (server_key,) = [r for r in recording.registrations if r.name == "it-tls-server-key"]
    assert server_key.inputs["rsaBits"] == 3072
    assert {k: state[k] for k in ("namespace", "serviceName", "endpoint", "clientSecrets")} == {
        "namespace": "search",
        "serviceName": "elasticsearch",
        "endpoint": "https://elasticsearch.search.svc:9200",
        "clientSecrets": {},
    }
    assert state["caCertificate"] == deploy_time_placeholder(
        "tls:index/selfSignedCert:SelfSignedCert", "it-tls-ca", "certPem"
    )


def test_elasticsearch_config_keys_arrive_as_written_and_whole_numbers_stay_whole() -> None:
    config = {"thread_pool.write.queue_size": 2000, "node.attr.zone": "zone-a", "xpack": {"ml": {"enabled": False}}}
    recording, _ = construct("ElasticsearchApp", {"namespace": "search", "elasticsearch": {"config": config}})
    (configmap,) = [m for m in kubernetes_objects(recording) if "elasticsearch.yml" in m.get("data", {})]
    yml = configmap["data"]["elasticsearch.yml"]
    assert "thread_pool.write.queue_size: 2000\nnode.attr.zone: zone-a\nxpack.ml.enabled: false\n" in yml


def test_a_pattern_gets_its_target_as_a_mapping_with_float_ports() -> None:
    recording, state = construct("TlsAmbassador", {"target": WEB_TARGET, "upstreamPort": 8080})
    (config,) = [m for m in kubernetes_objects(recording) if m["kind"] == "ConfigMap"]
    nginx_conf = next(iter(config["data"].values()))
    assert "listen 8443 ssl" in nginx_conf
    assert "127.0.0.1:8080" in nginx_conf
    assert state["caCertificate"] == deploy_time_placeholder(
        "tls:index/selfSignedCert:SelfSignedCert", "it-ca", "certPem"
    )


def test_sysctl_and_log_tail_through_the_host() -> None:
    _, state = construct("SysctlInit", {"target": WEB_TARGET, "sysctls": ["vm.max_map_count=262144"]})
    assert state["privileged"] is True  # vm.* is node-level: a privileged init container
    (init,) = state["podContribution"]["initContainers"]
    assert init["securityContext"]["privileged"] is True
    _, state = construct(
        "LogTailSidecar",
        {
            "target": WEB_TARGET,
            "volume": "logs",
            "directory": "/var/log/web",
            "files": ["access.log"],
            "runAsUser": 101,
        },
    )
    assert (state["containerNames"], state["native"]) == (["tail-access-log"], True)  # Kubernetes 1.29+ by default
    assert [c["name"] for c in state["podContribution"]["nativeSidecars"]] == ["tail-access-log"]


NAMESPACE_URN = "urn:pulumi:test::host::kubernetes:core/v1:Namespace::ns"
PET_URN = "urn:pulumi:test::host::random:index/randomPet:RandomPet::pet"


def test_an_input_with_dependencies_is_used_and_its_dependency_reaches_every_child() -> None:
    # A value from another resource arrives as an Output carrying that resource as a dependency.
    recording, _ = construct(
        "ElasticsearchApp",
        {"namespace": EngineOutput("from-another-stack", [NAMESPACE_URN]), "createNamespace": False},
    )
    namespaces = {m["metadata"].get("namespace") for m in kubernetes_objects(recording)}
    assert namespaces == {"from-another-stack"}
    children = [r for r in recording.registrations if r.custom]
    assert children
    assert all(NAMESPACE_URN in r.dependencies for r in children)


def test_an_object_argument_that_is_an_output_arrives_whole() -> None:
    # The whole object depends on another resource: the SDK's own provider would have used {} (all defaults).
    target = EngineOutput({**WEB_TARGET, "namespace": "orders-ns"}, [NAMESPACE_URN])
    recording, _ = construct("TlsAmbassador", {"target": target, "upstreamPort": 8080})
    (config,) = [m for m in kubernetes_objects(recording) if m["kind"] == "ConfigMap"]
    assert config["metadata"]["namespace"] == "orders-ns"
    assert "listen 8443 ssl" in next(iter(config["data"].values()))
    assert all(NAMESPACE_URN in r.dependencies for r in recording.registrations if r.custom)


def test_another_resources_output_nested_in_an_object_argument_arrives_with_its_dependency() -> None:
    target = {**WEB_TARGET, "namespace": EngineOutput("orders-ns", [NAMESPACE_URN])}
    recording, _ = construct("TlsAmbassador", {"target": target, "upstreamPort": 8080})
    (secret,) = [m for m in kubernetes_objects(recording) if m["kind"] == "Secret"]
    assert secret["metadata"]["namespace"] == "orders-ns"
    (request,) = [r for r in recording.registrations if r.name == "it-server-csr"]
    assert "web.orders-ns.svc" in request.inputs["dnsNames"]
    assert NAMESPACE_URN in request.dependencies


@pytest.mark.parametrize(
    ("component", "values", "argument"),
    [
        ("ElasticsearchApp", {"namespace": EngineOutput(known=False, dependencies=[PET_URN])}, "namespace"),
        (
            "TlsAmbassador",
            {"target": EngineOutput(known=False, dependencies=[PET_URN]), "upstreamPort": 8080},
            "target",
        ),
        (
            "TlsAmbassador",
            {
                "target": {**WEB_TARGET, "name": EngineOutput(known=False, dependencies=[PET_URN])},
                "upstreamPort": 1,
            },
            "target.name",  # only the namespace is carried as an Output: the name shapes the pod's objects
        ),
        ("ElasticsearchApp", {"elasticsearch": {"nodes": EngineOutput(known=False)}}, "elasticsearch.nodes"),
    ],
)
def test_an_unknown_input_is_refused_naming_it_before_anything_is_registered(
    component: str, values: dict[str, Any], argument: str
) -> None:
    recording = Recording(stack="host-test")
    with pytest.raises((SettingsError, InputPropertyError)) as raised:
        construct(component, values, recording=recording)
    assert f"{argument}: must be known when the program is planned" in str(raised.value)
    assert [r.type for r in recording.registrations] == []


def test_a_secret_input_is_refused_naming_it() -> None:
    with pytest.raises(SettingsError, match=r"arguments: target.namespace: must not be a secret"):
        construct("TlsAmbassador", {"target": {**WEB_TARGET, "namespace": EngineOutput("x", secret=True)}})


ORDERS_TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "example.com/web:1", "ports": [{"containerPort": 8080}]}]},
}


def test_a_patterns_contribution_is_an_output_that_pod_template_merge_takes_from_any_language() -> None:
    _, tls = construct("TlsAmbassador", {"target": WEB_TARGET, "upstreamPort": 8080})
    contribution = tls["podContribution"]
    assert contribution["source"].startswith("TlsAmbassador ")
    assert [c["name"] for c in contribution["containers"]] == ["tls-ambassador"]
    assert set(contribution) >= {"volumes", "appVolumeMounts", "servicePorts", "podAnnotations", "loopbackConnections"}

    _, merged = construct(
        "PodTemplateMerge", {"template": ORDERS_TEMPLATE, "appContainer": "web", "contributions": [contribution]}
    )
    spec = merged["template"]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["web", "tls-ambassador"]
    assert "pod-patterns.io/tls-sha256" in merged["template"]["metadata"]["annotations"]
    assert [p["port"] for p in merged["servicePorts"]] == [8443]


def test_pod_template_merge_reports_conflicts_as_merge_pod_does() -> None:
    """As an InputPropertiesError: the provider server sends its message to the engine, with no stack trace."""
    clash = {"source": "a debug shell", "containers": [{"name": "web"}]}
    with pytest.raises(InputPropertiesError, match=r"container name 'web' is claimed by the pod template given to Pod"):
        construct("PodTemplateMerge", {"template": ORDERS_TEMPLATE, "appContainer": "web", "contributions": [clash]})


def test_pod_template_merge_waits_for_a_contribution_not_known_yet() -> None:
    # During a preview, a TlsAmbassador created in the same deployment has no certificate yet.
    contribution = EngineOutput(known=False, dependencies=[PET_URN])
    values = {"template": ORDERS_TEMPLATE, "appContainer": "web", "contributions": [contribution]}
    recording, merged = construct("PodTemplateMerge", values)
    assert merged == {}  # unknown, never defaults
    assert [r.type for r in recording.registrations] == ["podpatterns:index:PodTemplateMerge"]
