"""elasticsearch.config: the user's own elasticsearch.yml settings, accepted when the pinned Elasticsearch registers
them (plain, affix, group and list keys, the documented ones of the modules not served), merged after the library's;
refused, by key, when Elasticsearch or the library would refuse them (the catalogue of tests/unit/test_bad_inputs.py
shows the messages end to end)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from podpatterns.elasticsearch.cluster import plan_cluster
from podpatterns.elasticsearch.config import elasticsearch_yml
from podpatterns.elasticsearch.settings import AppSettings, ElasticsearchSettings
from podpatterns.elasticsearch.settings.registry import registry
from podpatterns.elasticsearch.settings.user_config import (
    LIBRARY_KEYSTORE_ENTRIES,
    LIBRARY_PREFIXES,
    LIBRARY_SETTINGS,
    check_config,
    owner,
)
from podpatterns.settings import KeyStyle, SettingsError, parse
from podpatterns.settings.engine import EntriesError

ORIGIN = "stacks/Pulumi.test.yaml"
STACK = KeyStyle(prefix="pod-patterns:", camel_case=True)

REAL_SETTINGS = [
    "indices.memory.index_buffer_size",  # plain, server
    "xpack.ml.enabled",  # plain, x-pack-core
    "http.max_content_length",  # plain, transport-netty4's HTTP server
    "xpack.security.authc.realms.file.file1.order",  # affix with a suffix (x-pack-security)
    "xpack.security.authc.realms.ldap.corp.url",
    "node.attr.rack_id",  # group: any key below node.attr.
    "cluster.routing.allocation.awareness.attributes",  # list
    "discovery.seed_hosts.0",  # a list's old-style element
    "thread_pool.write.queue_size",  # registered by the write pool's executor builder
    "s3.client.backup.endpoint",  # documented: repository-s3 is not served
    "reindex.remote.whitelist",
]


def app(config: Any) -> AppSettings:
    return parse(AppSettings, {"elasticsearch": {"config": config}}, origin=ORIGIN, style=STACK)


@pytest.mark.parametrize("key", REAL_SETTINGS)
def test_a_setting_elasticsearch_registers_is_accepted(key: str) -> None:
    assert registry().config_problem(key) is None
    check_config({key: "x"})


def test_the_users_settings_are_merged_after_the_librarys() -> None:
    settings = app({"xpack.ml.enabled": False, "node.attr.zone": "a", "reindex.remote.whitelist": ["a:9200"]})
    plan = plan_cluster(settings)
    rendered = yaml.safe_load(plan.manifests["config"]["data"]["elasticsearch.yml"])
    assert rendered["cluster.name"] == "elasticsearch"
    assert list(rendered)[-3:] == ["xpack.ml.enabled", "node.attr.zone", "reindex.remote.whitelist"]
    assert rendered["xpack.ml.enabled"] is False
    assert rendered["reindex.remote.whitelist"] == ["a:9200"]


def test_nested_mappings_are_read_as_elasticsearch_reads_yaml() -> None:
    settings = app({"xpack": {"ml": {"enabled": False}}, "node": {"attr": {"zone": "a"}}})
    assert settings.elasticsearch.config == {"xpack.ml.enabled": False, "node.attr.zone": "a"}


def test_the_config_arrives_as_json_text_from_the_cli() -> None:
    settings = parse(AppSettings, {"elasticsearch": json.dumps({"config": {"xpack.ml.enabled": False}})}, ORIGIN, STACK)
    assert settings.elasticsearch.config == {"xpack.ml.enabled": False}


BALANCE = "cluster.routing.allocation.balance.shard"
AWARENESS = "cluster.routing.allocation.awareness.attributes"


def test_whole_numbers_from_the_component_host_stay_whole() -> None:
    settings = parse(
        AppSettings,
        {"elasticsearch": {"config": {"thread_pool.write.queue_size": 2000.0, BALANCE: 0.5, AWARENESS: [1.0]}}},
        "ElasticsearchApp 'search' arguments",
        KeyStyle(),
    )
    assert settings.elasticsearch.config == {"thread_pool.write.queue_size": 2000, BALANCE: 0.5, AWARENESS: [1]}
    assert type(settings.elasticsearch.config["thread_pool.write.queue_size"]) is int


def test_a_value_that_is_no_setting_value_is_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        app({"node.attr.zone": None})
    assert "pod-patterns:elasticsearch.config: " in str(caught.value)
    assert "node.attr.zone: expected text, a number, true or false, or a list of them" in str(caught.value)


def test_without_config_the_file_is_the_librarys_only() -> None:
    es = ElasticsearchSettings()
    assert es.config is None
    assert set(yaml.safe_load(elasticsearch_yml(es, http_host="0.0.0.0", http_port=9200))) <= set(LIBRARY_SETTINGS)


@pytest.mark.parametrize(
    "variant",
    [
        {"nodes": 1, "security": False, "allow_mmap": True},
        {"nodes": 3, "security": True, "allow_mmap": False},
    ],
    ids=["one-node", "three-nodes-secure-no-mmap"],
)
def test_the_library_claims_every_setting_it_writes(variant: dict[str, Any]) -> None:
    es = ElasticsearchSettings(nodes=variant["nodes"])
    yml = elasticsearch_yml(
        es, http_host="127.0.0.1", http_port=9201, allow_mmap=variant["allow_mmap"], security=variant["security"]
    )
    unclaimed = [key for key in yaml.safe_load(yml) if owner(key, LIBRARY_SETTINGS, LIBRARY_PREFIXES) is None]
    assert unclaimed == [], "add them to LIBRARY_SETTINGS: a user's value for them would silently lose"


def test_every_setting_the_library_claims_is_one_elasticsearch_registers() -> None:
    for key in [*LIBRARY_SETTINGS, *LIBRARY_KEYSTORE_ENTRIES]:
        assert registry().find(key) is not None, key
    for prefix in LIBRARY_PREFIXES:
        assert any(s.key.startswith(prefix) for s in registry().settings), prefix


def test_every_bad_setting_is_reported_under_its_own_key_at_once() -> None:
    with pytest.raises(EntriesError) as caught:
        check_config({"xpack.ml.enabled": True, "path.data": "/x", "node.atr.zone": "a", "index.codec": "best"})
    assert sorted(caught.value.entries) == ["index.codec", "node.atr.zone", "path.data"]
    assert "did you mean 'node.attr.*'?" in caught.value.entries["node.atr.zone"]


def test_did_you_mean_never_offers_a_setting_the_library_writes() -> None:
    with pytest.raises(EntriesError) as caught:
        check_config({"xpack.security.enabld": True})
    assert "did you mean 'xpack.security.enabled'" not in caught.value.entries["xpack.security.enabld"]


def test_matching_follows_the_settings_own_patterns() -> None:
    every = registry()
    realm_order = every.find("xpack.security.authc.realms.file.file1.order")
    assert realm_order is not None
    assert realm_order.key == "xpack.security.authc.realms.file.*.order"
    # An affix's name is one segment: no dots in it, and the prefix must be whole.
    assert every.find("xpack.security.authc.realms.file.a.b.order") is None
    assert every.find("xpack.security.authc.realms.fil.file1.order") is None
    assert every.find("node.attr.") is None  # a group needs a key below it
    assert every.find("s3.client.default.access_key") is not None
    assert every.find("s3.client.default.access_keys") is None


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("bootstrap.password", True),
        ("xpack.security.authc.realms.ldap.corp.secure_bind_password", True),
        ("s3.client.default.secret_key", True),
        ("azure.client.default.sas_token", True),
        ("xpack.ml.enabled", False),
        ("s3.client.default.endpoint", False),
        ("bootstrap.pasword", False),
    ],
)
def test_keystore_names_must_be_secure_settings(name: str, accepted: bool) -> None:
    assert (registry().keystore_problem(name) is None) is accepted
