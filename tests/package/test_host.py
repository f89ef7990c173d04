"""Components constructed the way the component host constructs them for other languages (see host.py)."""

from __future__ import annotations

import pytest
from google.protobuf import struct_pb2
from podpatterns.render import Recording, kubernetes_objects
from pulumi.provider.server import ComponentInitError
from pulumi.runtime import rpc

from .host import construct

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
    assert set(state) >= {"namespace", "serviceName", "endpoint", "caCertificate", "clientSecrets"}


def test_a_pattern_gets_its_target_as_a_mapping_with_float_ports() -> None:
    recording, state = construct("TlsAmbassador", {"target": WEB_TARGET, "upstreamPort": 8080})
    (config,) = [m for m in kubernetes_objects(recording) if m["kind"] == "ConfigMap"]
    nginx_conf = next(iter(config["data"].values()))
    assert "listen 8443 ssl" in nginx_conf
    assert "127.0.0.1:8080" in nginx_conf
    assert "caCertificate" in state


def test_sysctl_and_log_tail_through_the_host() -> None:
    _, state = construct("SysctlInit", {"target": WEB_TARGET, "sysctls": ["vm.max_map_count=262144"]})
    assert "privileged" in state
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
    assert "containerNames" in state


def test_an_input_with_dependencies_is_used_when_its_value_is_known() -> None:
    # A value from another resource arrives as an Output carrying that resource as a dependency.
    recording, _ = construct(
        "ElasticsearchApp",
        {"namespace": "from-another-stack", "createNamespace": False},
        {"namespace": ["urn:pulumi:test::host::kubernetes:core/v1:Namespace::ns"]},
    )
    namespaces = {m["metadata"].get("namespace") for m in kubernetes_objects(recording)}
    assert namespaces == {"from-another-stack"}


def test_an_unknown_input_is_refused_naming_it_before_anything_is_registered() -> None:
    recording = Recording(stack="host-test")
    with pytest.raises(ComponentInitError) as raised:
        construct(
            "ElasticsearchApp",
            {"namespace": rpc.UNKNOWN},
            {"namespace": ["urn:pulumi:test::host::random:index/randomPet:RandomPet::pet"]},
            recording=recording,
        )
    assert str(raised.value).startswith("ElasticsearchApp 'it' arguments: namespace: must be known")  # SettingsError's
    assert "arguments: namespace: must be known when the program is planned" in str(raised.value)
    assert not recording.registrations


def test_a_secret_input_is_refused() -> None:
    with pytest.raises(ComponentInitError, match=r"namespace: must not be a secret"):
        construct("ElasticsearchApp", {"namespace": {rpc._special_sig_key: rpc._special_secret_sig, "value": "x"}})
