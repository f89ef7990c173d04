"""Day-2 settings: how a rollout restarts the nodes, and how long `pulumi up` waits for it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...settings import checks
from ...settings.engine import setting

_TIME_VALUE = re.compile(r"^(\d+)([smh])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def time_value_seconds(value: str) -> int:
    """Seconds in an Elasticsearch time value of one unit (90s, 5m, 1h); raises ValueError."""
    match = _TIME_VALUE.match(value)
    if not match:
        raise ValueError("must be an Elasticsearch time value in one unit, such as 90s, 5m or 1h")
    return int(match[1]) * _SECONDS[match[2]]


def _time_value(value: str) -> None:
    time_value_seconds(value)


@dataclass(frozen=True)
class RolloutSettings:
    """How a rollout restarts the nodes one by one without costing the cluster its shards."""

    delayed_timeout: str = setting(
        "5m",
        "index.unassigned.node_left.delayed_timeout that every index gets just before a node stops (its "
        "preStop hook sets it on _all): how long the cluster waits for a restarting node before it copies "
        "that node's shards elsewhere. Must exceed terminationGracePeriodSeconds plus a node's start.",
        check=_time_value,
        allowed="Elasticsearch time value (90s, 5m, 1h)",
    )
    endpoint_removal_seconds: int = setting(
        5,
        "Seconds a stopping pod keeps serving before Elasticsearch gets SIGTERM (a preStop wait), so that "
        "Services and proxies stop sending it requests first; the only wait in a pod's stop.",
        minimum=0,
        maximum=60,
    )
    seconds_per_node: int = setting(
        600,
        "Time a rollout may take per node (stop, start, recovery to green); pulumi up waits nodes times this "
        "for the workload (customTimeouts) before it reports a failure.",
        minimum=60,
        maximum=7200,
    )

    voting_exclusions: tuple[str, ...] = setting(
        (),
        "Nodes already excluded from the voting configuration (POST /_cluster/voting_config_exclusions), which "
        "a change of nodes may therefore remove together; clear it once they are gone. See docs/operations.md.",
        check=checks.dns_labels,
        allowed="node names",
    )

    @property
    def delayed_timeout_seconds(self) -> int:
        return time_value_seconds(self.delayed_timeout)
