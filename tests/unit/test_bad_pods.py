"""Whole pods that cannot be: contributions that clash (a port, a container or volume name, a mount path) or a
pod below its namespace's Pod Security level, refused naming both parties and the fix before any pattern
registers (the machinery: tests/lib/bad_inputs.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from podpatterns import ElasticsearchApp, PodContribution

from ..lib.bad_inputs import (
    DEBUG_SHELL,
    Case,
    arguments,
    assert_refused,
    composed,
    conflict,
    listener,
    web_app,
)

CATALOGUE = [
    # --- whole pods: checked before any pattern registers
    pytest.param(
        composed(
            web_app(ports=[{"containerPort": 8080}]),
            "TlsAmbassador 'web-tls'",
            "port 8080/TCP is claimed by container 'web' (from web application)",
            "move one of them to another port",
        ),
        id="builder-app-port-taken-by-the-ambassador",
    ),
    pytest.param(
        composed(
            web_app(volumeMounts=[{"name": "logs", "mountPath": "/tmp"}, {"name": "logs", "mountPath": "/tmp"}]),
            "web application",
            "mount path /tmp",
            "two volumes cannot be mounted at one path",
        ),
        id="builder-two-mounts-at-one-path",
    ),
    pytest.param(
        composed(
            PodContribution(source="web", containers=[*web_app().containers, DEBUG_SHELL], volumes=web_app().volumes),
            "workload shop/web breaks Pod Security 'restricted'",
            "container debug: Privilege Escalation",
            "allowPrivilegeEscalation is not false",
        ),
        id="builder-pod-security-restricted",
    ),
    pytest.param(
        composed(
            web_app(securityContext={"privileged": True}),
            "workload shop/web",
            "container web: Privileged Containers",
            "privileged: true",
        ),
        id="builder-privileged-app",
    ),
    pytest.param(
        conflict(
            {"contributions": [PodContribution(source="my-team debug", containers=[DEBUG_SHELL])]},
            "(ElasticsearchApp 'search') breaks Pod Security 'restricted'",
            "container debug: Capabilities (restricted)",
            "does not drop ALL",
        ),
        id="app-readme-debug-shell-without-security-context",
    ),
    pytest.param(
        conflict(
            {"elasticsearch": {"name": "es"}, "contributions": [listener(9300)]},
            "ElasticsearchApp 'search'",  # its Pulumi name, not the cluster's (es)
            "port 9300/TCP",
            "Team 'squatter'",
        ),
        id="app-conflict-names-the-component",
    ),
    pytest.param(
        arguments(ElasticsearchApp, "search", {"pod_security": "strict"}, "pod_security", "one of restricted"),
        id="app-unknown-pod-security-level",
    ),
]


def test_the_catalogue_is_big_enough() -> None:
    ids = [param.id for param in CATALOGUE]
    assert len(set(ids)) == len(ids) >= 7


@pytest.mark.parametrize("case", CATALOGUE)
def test_bad_input_is_refused_by_name_before_anything_is_registered(case: Case) -> None:
    assert_refused(case, Path())
