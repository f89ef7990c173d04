"""The dev stack on the real Elasticsearch: one node, security off, behind the TLS ambassador."""

from __future__ import annotations

from ..harness.real_stack import RealStack
from .checks import assert_clean_boot
from .conftest import stack_fixture

dev = stack_fixture("dev")


def test_dev_boots_with_no_error_and_no_deprecation_for_its_settings(dev: RealStack) -> None:
    assert_clean_boot(dev)
    assert dev.wait_for_health("yellow", 1)["number_of_nodes"] == 1


def test_dev_has_security_off_so_anonymous_requests_are_served(dev: RealStack) -> None:
    assert dev.password is None
    assert dev.api("/_cluster/health", user=None).status == 200
    assert dev.pods[0].ready("elasticsearch") is None
