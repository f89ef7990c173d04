"""`pulumi up` of prod killed (SIGKILL to the CLI and every process under it, as a CI runner kills a job: the
plugins run in process groups of their own, and outlive a CLI killed alone) at three points, then
recovered with the steps docs/deploying.md gives, word for word: the next `up` reaches the objects of an
uninterrupted deploy, with nothing in the cluster the state does not hold and nothing twice (issue: faults)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from podpatterns.kube import MANAGED_BY

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube, delete_namespaces, unique_suffix
from ..lib.pulumi_engine import STACK_ENTRIES, Engine, Project, copy_project
from ..lib.support.processes import descendants
from .live import deployed_objects, kubernetes_urn_keys, rendered_keys

STACK = "prod"
KILL_SECONDS = 300.0
"""How long `up` may take to reach a kill point (the program, the providers and the certificates come first)."""
LABEL = f"app.kubernetes.io/managed-by={MANAGED_BY}"
RECOVERY = re.compile(r"```sh\n# after an interrupted update\n(.*?)```", re.S)
"""docs/deploying.md's recovery steps, one `pulumi ...` command a line."""


def _exists(kube: Kube, kind: str, namespace: str) -> Callable[[], bool]:
    return lambda: bool(kube.run("get", kind, "--namespace", namespace, "--output", "name", check=False).stdout)


KILL_POINTS = {
    "after the namespace": lambda kube, ns: lambda: kube.run("get", "namespace", ns, check=False).returncode == 0,
    "among the pod's dependencies": lambda kube, ns: _exists(kube, "secrets", ns),
    "while the StatefulSet rolls": lambda kube, ns: _exists(kube, "statefulsets", ns),
}


@pytest.fixture
def project(engine: Engine, kube: Kube, tmp_path: Path) -> Iterator[Project]:
    """prod in namespaces of the test's own (other engine tests deploy prod beside it), its clients' made ahead."""
    copied = copy_project(engine, PROJECT_DIR, tmp_path / "project", STACK_ENTRIES)
    copied.stack_init(STACK)
    suffix = unique_suffix()
    copied.config_set(STACK, "pod-patterns:namespace", f"interrupted{suffix}")
    clients = [f"ingest{suffix}", f"kibana{suffix}"]
    for index, (client, name) in enumerate(zip(clients, ("ingest", "kibana"), strict=True)):
        copied.config_set(STACK, f"pod-patterns:tls.clients[{index}]", f"{client}/{name}")
    kube.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}} for name in clients])
    yield copied
    copied.run("cancel", "--stack", STACK, "--yes", check=False)
    copied.run("destroy", "--stack", STACK, "--yes", check=False)
    delete_namespaces(kube, [f"interrupted{suffix}", *clients])


def recovery_steps() -> list[tuple[dict[str, str], list[str]]]:
    """Each step's environment (leading NAME=value words) and `pulumi` arguments."""
    found = RECOVERY.search((PROJECT_DIR / "docs" / "deploying.md").read_text())
    assert found, "docs/deploying.md has no ```sh block starting '# after an interrupted update'"
    steps = []
    for line in found[1].splitlines():
        words = line.split("#")[0].split()
        settings = [w for w in words if "=" in w and w[0].isupper()]
        assert words[len(settings)] == "pulumi", line
        steps.append((dict(w.split("=", 1) for w in settings), words[len(settings) + 1 :]))
    assert steps, "docs/deploying.md's recovery block is empty"
    return steps


def live_keys(kube: Kube, kinds: set[str], namespaces: set[str]) -> set[tuple[str, str, str]]:
    """(kind, namespace, name) of the objects of these kinds that carry the library's label, and every claim (the
    StatefulSet makes them from its template, whose labels select the pods)."""
    found = set()
    for namespace in namespaces:
        for kind in kinds:
            selector = [] if kind == "PersistentVolumeClaim" else ["--selector", LABEL]
            listed = kube.json("get", kind, "--namespace", namespace, *selector)
            found |= {(kind, namespace, item["metadata"]["name"]) for item in listed["items"]}
    return found


@pytest.mark.parametrize("point", KILL_POINTS)
def test_up_killed_then_recovered_as_documented_converges(point: str, project: Project, kube: Kube) -> None:
    expected = rendered_keys(deployed_objects(project.directory, STACK))
    namespace = next(ns for kind, ns, _ in expected if kind == "StatefulSet")
    reached = KILL_POINTS[point](kube, namespace)
    command = [str(project.engine.bin_dir / "pulumi"), "up", "--stack", STACK, "--yes", "--skip-preview"]
    up = subprocess.Popen(
        [*command, "--non-interactive"], cwd=project.directory, env=project.env(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + KILL_SECONDS
        while not reached():
            assert up.poll() is None, f"up ended before {point}:\n{up.communicate()[0]}"
            assert time.monotonic() < deadline, f"up did not reach {point} in {KILL_SECONDS:.0f} s"
            time.sleep(0.1)
    finally:
        for pid in [up.pid, *descendants(up.pid)]:
            with contextlib.suppress(ProcessLookupError):  # one that ended meanwhile
                os.kill(pid, signal.SIGKILL)
        up.communicate()

    locked = project.run("up", "--stack", STACK, "--yes", "--skip-preview", check=False)
    assert locked.returncode != 0, locked.stdout  # the killed update's lock stays
    assert "the stack is currently locked" in locked.stdout + locked.stderr, locked.stdout
    for env, args in recovery_steps():
        project.run(*args, "--stack", STACK, env=env)

    state = project.export(STACK)
    assert kubernetes_urn_keys(state) == expected
    urns = [resource["urn"] for resource in state["deployment"]["resources"]]
    assert len(set(urns)) == len(urns), "a resource is in the state twice"
    assert not state["deployment"].get("pending_operations")
    namespaces = {ns for _, ns, _ in expected if ns}
    kinds = {kind for kind, ns, _ in expected if ns}
    assert live_keys(kube, kinds, namespaces) == {k for k in expected if k[1]}
    clean = project.run("preview", "--stack", STACK, "--expect-no-changes", check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
