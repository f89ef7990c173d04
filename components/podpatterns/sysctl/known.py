"""Which sysctls go where: the pod's securityContext (safe, namespaced) or the privileged init (node-level)."""

from __future__ import annotations

import re

SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced": 25,
    "net.ipv4.ip_local_port_range": 25,
    "net.ipv4.tcp_syncookies": 25,
    "net.ipv4.ping_group_range": 25,
    "net.ipv4.ip_unprivileged_port_start": 25,
    "net.ipv4.ip_local_reserved_ports": 27,
    "net.ipv4.tcp_keepalive_time": 29,
    "net.ipv4.tcp_fin_timeout": 29,
    "net.ipv4.tcp_keepalive_intvl": 29,
    "net.ipv4.tcp_keepalive_probes": 29,
}
"""Namespaced sysctls every kubelet allows in `securityContext.sysctls`, with the Kubernetes minor version
that made each safe (the oldest supported here is 1.25). Others need the kubelet's --allowed-unsafe-sysctls."""

NODE_LEVEL_PREFIXES = ("vm.", "fs.")
"""Not namespaced: only a privileged container can write them, and they change the whole node."""
_NAMESPACED_UNDER_FS = "fs.mqueue."  # IPC-namespaced: would change the pod's namespace only

_NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")
_POD_VALUE = re.compile(r"^\d+( \d+)*$")
_NODE_VALUE = re.compile(r"^\d{1,18}$")


def parse_sysctl(text: str) -> tuple[str, str]:
    """ "name=value" into its parts; raises ValueError saying what is wrong."""
    name, equals, value = text.partition("=")
    if not equals or not _NAME.match(name):
        raise ValueError(f"{text!r} is not name=value with a sysctl name such as vm.max_map_count=262144")
    return name, value


def is_node_level(name: str, value: str, kubernetes_minor: int) -> bool:
    """True for a node-level sysctl (the init raises it), False for a safe namespaced one (the pod sets it).

    Raises ValueError for an unknown or unsafe name, a value of the wrong shape, or a sysctl newer than the cluster.
    """
    if name in SAFE_SYSCTLS:
        since = SAFE_SYSCTLS[name]
        if kubernetes_minor < since:
            raise ValueError(f"{name} is a safe sysctl from Kubernetes 1.{since}, newer than 1.{kubernetes_minor}")
        if not _POD_VALUE.match(value):
            raise ValueError(f"{name}={value!r}: the value must be whole numbers separated by single spaces")
        return False
    if name.startswith(NODE_LEVEL_PREFIXES) and not name.startswith(_NAMESPACED_UNDER_FS):
        if not _NODE_VALUE.match(value):
            raise ValueError(f"{name}={value!r}: a node-level value must be one whole number (it is only raised)")
        return True
    raise ValueError(
        f"{name} is neither a safe namespaced sysctl ({', '.join(SAFE_SYSCTLS)}) nor a node-level one "
        f"({' or '.join(p + '*' for p in NODE_LEVEL_PREFIXES)}); unsafe sysctls need the kubelet's "
        "--allowed-unsafe-sysctls and are not supported"
    )
