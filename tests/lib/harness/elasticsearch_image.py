"""The real Elasticsearch as the image `docker.elastic.co/elasticsearch/elasticsearch`: the home scripts/elasticsearch
builds (docs/elasticsearch-build.md), laid at /usr/share/elasticsearch as in the image, run as uid 1000 from the
home, with our bin/docker-entrypoint.sh as the entrypoint (ES_LOG_STYLE as the image reads it).

What the harness changes in every test's image, each a property of this machine rather than of the configuration
under test, and nothing else (the rendered elasticsearch.yml, env, volumes, init containers and scripts run as
rendered):

- `TEST_HEAP`: the heap, through ES_JAVA_OPTS, smaller than the stacks' (prod asks 2 GiB a node; three nodes share
  this 2-core machine with other work). The stacks' memory limits are not enforced here.
- Names never reach the machine's DNS: the image's config directory carries `jvm.options.d/harness.options` with
  `-Djdk.net.hosts.file=/etc/hosts`, the pod's hosts file the harness writes (pod and Service names), so the JVM
  resolves from that file only and never asks a DNS server.
- `DISK_WATERMARKS`: the disk-based allocation thresholds, in bytes free rather than the default percentages used,
  given as `-E` options after the entrypoint: the disk is this machine's, shared with other work (seen: 89% used by
  others, above the 85% low watermark, which left every replica of prod unassigned and the cluster yellow).
- The open-files limit Elasticsearch sees (scripts/lib/nofile_limit.c, LD_PRELOAD, as in the real nodes' image): this
  machine caps it at 20,000 and no process may raise it; a node that publishes a pod IP enforces the bootstrap check
  asking 65,535.
  Every other bootstrap check sees the real values (vm.max_map_count: the node's sysctl stand-in, which prod's sysctl
  init container raises).

One change is for time, in every image the harness runs and every node of tests/lib/elasticsearch_node.py:
`QUICK_BOOT`, the JIT compiler stops at its first tier (C1), which takes 43% off a boot's CPU (measured: 24.0 -> 13.6
CPU-seconds for a boot and 50 documents, boot 13.1 -> 9.9 s; docs/performance.md). Elasticsearch's code, settings,
checks and answers are the same; its peak throughput is not, so the benchmark's node (bench/) and the real nodes'
images (tests/nodes, whose start times the README quotes) keep the JVM's default.

One more is a test's, for time rather than for this machine, and only in that test's image (`lay_out`'s `log4j`,
through `run_real_stack`): tests/real_elasticsearch/test_log_rollover.py has log4j2.file.properties roll
`<cluster>.log` over at 128 KB instead of the image's 128 MB, so that seconds of real server activity roll it over.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from ..prerequisites import require_program

HOME = "/usr/share/elasticsearch"
TEST_HEAP = "512m"
"""The heap of every node the harness runs: enough for a 100 MiB bulk request, small enough for three nodes."""
QUICK_BOOT = "-XX:TieredStopAtLevel=1"
"""The JVM option that stops the JIT at C1 (see the module's doc)."""
HARNESS_OPTIONS = f"-Djdk.net.hosts.file=/etc/hosts\n{QUICK_BOOT}\n"
_SHIM_SOURCE = Path(__file__).resolve().parents[3] / "scripts" / "lib" / "nofile_limit.c"


def home_version(home: Path) -> str:
    """The release the home holds: the version of its server jar, lib/elasticsearch-X.Y.Z.jar."""
    (server,) = home.glob("lib/elasticsearch-[0-9]*.jar")
    return server.stem.removeprefix("elasticsearch-")


def lay_out(home: Path, layer: Path, log4j: Mapping[str, str]) -> None:
    """The image's files in `layer`: the home at /usr/share/elasticsearch (hard links where the file system allows),
    the harness's JVM options (names from /etc/hosts, QUICK_BOOT) in its config directory, `log4j`'s values in its
    log4j2.file.properties (a test's, see the module's doc), and the open-files shim in /usr/local/lib."""
    target = layer / HOME.lstrip("/")
    target.parent.mkdir(parents=True)
    shutil.copytree(home, target, symlinks=True, copy_function=_link_or_copy)
    (target / "config" / "jvm.options.d" / "harness.options").write_text(HARNESS_OPTIONS)
    if log4j:
        _set_properties(target / "config" / "log4j2.file.properties", log4j)
    shim = layer / "usr" / "local" / "lib" / "nofile_limit.so"
    shim.parent.mkdir(parents=True)
    gcc = require_program("gcc", "gcc")
    subprocess.run([gcc, "-shared", "-fPIC", "-O2", "-o", str(shim), str(_SHIM_SOURCE), "-ldl"], check=True)


DISK_WATERMARK_SETTINGS = {
    "cluster.routing.allocation.disk.watermark.low": "2gb",
    "cluster.routing.allocation.disk.watermark.high": "1gb",
    "cluster.routing.allocation.disk.watermark.flood_stage": "500mb",
}
"""Free space each node needs before it takes replicas, sheds shards (and takes no new primary), turns indices
read-only (see the module's doc): every node the tests start, in a pod or not (tests/lib/elasticsearch_node.py)."""
DISK_WATERMARKS = tuple(f"-E{key}={value}" for key, value in DISK_WATERMARK_SETTINGS.items())


def environment() -> dict[str, str]:
    """What the harness sets for every Elasticsearch container on top of the pod's env (see the module's doc)."""
    return {"ES_JAVA_OPTS": f"-Xms{TEST_HEAP} -Xmx{TEST_HEAP}", "LD_PRELOAD": "/usr/local/lib/nofile_limit.so"}


def _set_properties(path: Path, values: Mapping[str, str]) -> None:
    """Each `key = value` line of `values`' keys in the properties file at `path` given its new value; KeyError for
    a key the file does not set (the image's file changed: the test would no longer test what it says)."""
    lines = path.read_text().splitlines(keepends=True)
    keys = [line.partition("=")[0].strip() for line in lines]
    for key, value in values.items():
        if key not in keys:
            raise KeyError(f"{path.name} sets no {key}")
        lines[keys.index(key)] = f"{key} = {value}\n"
    path.unlink()  # a hard link to the home's file, which other tests' images share: a new file instead
    path.write_text("".join(lines))


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
