"""What every stack's Elasticsearch must show once started, checked on each node: in the namespace harness
(tests/real_elasticsearch) and on the real nodes (tests/nodes)."""

from __future__ import annotations

import re
from typing import Any, Protocol


class Answer(Protocol):
    @property
    def status(self) -> int: ...

    @property
    def body(self) -> Any: ...

    @property
    def headers(self) -> str: ...


class RunningStack(Protocol):
    """A stack's Elasticsearch nodes, however they run."""

    @property
    def config(self) -> dict[str, Any]:
        """The rendered elasticsearch.yml."""

    def node_names_and_addresses(self) -> list[tuple[str, str]]:
        """Each node's pod name and IP, by ordinal."""

    def api(self, path: str, *, method: str = "GET", body: Any = None, node: int = 0) -> Answer: ...

    def server_log(self, node: int = 0) -> str: ...

    def deprecations(self, node: int = 0) -> list[dict[str, Any]]: ...


FILTERED = "xpack.security.transport.ssl."
"""Settings _nodes/settings does not show: x-pack's settings filter hides the TLS configuration."""
DOT_INDEX = ".podpatterns-deprecation-control"
"""An index name 8.19 deprecates (a leading dot is for system indices): creating it must leave a deprecation
warning, the control that deprecations are logged where the checks read them."""


def assert_clean_boot(real: RunningStack) -> None:
    """No error in any node's server log, no deprecation warning naming a setting the stack writes, and every
    setting of the rendered elasticsearch.yml in effect on every node as written (${VAR} expanded)."""
    for node, (name, address) in enumerate(real.node_names_and_addresses()):
        errors = [line for line in real.server_log(node).splitlines() if re.match(r"\[[^]]+\]\[ERROR", line)]
        assert errors == [], f"{name}: {errors}"
        ours = [event for event in real.deprecations(node) if any(key in event["message"] for key in real.config)]
        assert ours == [], f"{name} deprecates settings the stack writes: {ours}"
        answer = real.api("/_nodes/_local/settings?flat_settings=true", node=node)
        assert answer.status == 200, answer.body
        (settings,) = [node_info["settings"] for node_info in answer.body["nodes"].values()]
        for key, value in real.config.items():
            if key.startswith(FILTERED) and not _flat(settings, key):
                continue  # hidden by the security module's settings filter; /_ssl/certificates shows the files used
            expected = value
            if isinstance(value, str):
                expected = value.replace("${POD_NAME}", name).replace("${POD_IP}", address)
            assert _flat(settings, key) == _text(expected), f"{name}: {key}"


def _flat(settings: dict[str, object], key: str) -> object:
    """A setting as _nodes/settings lists it: lists flattened to key.0, key.1, ..."""
    if key in settings:
        return settings[key]
    return [settings[name] for name in sorted(settings) if re.fullmatch(re.escape(key) + r"\.\d+", name)]


def _text(value: object) -> object:
    """A YAML value as Elasticsearch echoes it: strings (booleans lower case), lists of strings."""
    if isinstance(value, list):
        return [_text(item) for item in value]
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def assert_deprecations_are_logged(real: RunningStack) -> None:
    """The control: a deprecated request is answered with a Warning header and logged in the deprecation log."""
    answer = real.api(f"/{DOT_INDEX}", method="PUT", body={})
    assert answer.status == 200, answer.body
    assert re.search(rf"(?im)^warning: .*{re.escape(DOT_INDEX)}", answer.headers), answer.headers
    # Logged by the elected master, which creates the index: any of the nodes.
    logged = [event for node in range(len(real.node_names_and_addresses())) for event in real.deprecations(node)]
    assert any(DOT_INDEX in event["message"] for event in logged), logged
    assert real.api(f"/{DOT_INDEX}", method="DELETE").status == 200
