"""Two deploys of one stack at once, with the real engine and its file backend (issue: faults). The engine's DIY
backends (file, S3, GCS, Azure Blob: one code path over a bucket) lock a stack for `up`, `refresh`, `destroy` and
`import` by writing `.pulumi/locks/<org>/<project>/<stack>/<id>.json`, then listing the directory again: a second
deploy is refused naming the lock; `preview` takes no lock (docs/deploying.md says what that means)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube, delete_namespaces, unique_suffix
from ..lib.pulumi_engine import COMMAND_TIMEOUT, STACK_ENTRIES, Engine, Project, copy_project

STACK = "dev"
LOCK_SECONDS = 120.0
"""How long the first `up` may take to write its lock (the program and the providers start first)."""


@pytest.fixture
def project(engine: Engine, kube: Kube, tmp_path: Path) -> Iterator[Project]:
    """The project with the dev stack in a namespace of the test's own (other engine tests deploy dev beside it)."""
    copied = copy_project(engine, PROJECT_DIR, tmp_path / "project", STACK_ENTRIES)
    copied.stack_init(STACK)
    namespace = f"concurrent{unique_suffix()}"
    copied.config_set(STACK, "pod-patterns:namespace", namespace)
    yield copied
    copied.run("destroy", "--stack", STACK, "--yes", check=False)
    delete_namespaces(kube, [namespace])


def locks(project: Project) -> list[Path]:
    return sorted((project.backend / ".pulumi" / "locks").glob(f"*/*/{STACK}/*.json"))


def test_a_second_deploy_of_a_stack_is_refused_by_the_lock_and_the_first_completes(project: Project) -> None:
    up = [
        str(project.engine.bin_dir / "pulumi"),
        "up",
        "--stack",
        STACK,
        "--yes",
        "--skip-preview",
        "--non-interactive",
    ]
    first = subprocess.Popen(
        up, cwd=project.directory, env=project.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + LOCK_SECONDS
        while not locks(project):
            assert first.poll() is None, f"the first up ended before it locked the stack:\n{first.communicate()[0]}"
            assert time.monotonic() < deadline, f"no lock under {project.backend} after {LOCK_SECONDS:.0f} s"
            time.sleep(0.1)
        (lock,) = locks(project)

        refused = {
            command: project.run(command, "--stack", STACK, "--yes", "--skip-preview", check=False)
            for command in ("up", "refresh", "destroy")
        }
        preview = project.run("preview", "--stack", STACK, check=False)
        output, _ = first.communicate(timeout=COMMAND_TIMEOUT)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, output
    for command, done in refused.items():
        assert done.returncode != 0, f"a second {command} ran beside the first up:\n{done.stdout}"
        message = done.stdout + done.stderr
        assert "the stack is currently locked by 1 lock(s)" in message, message
        assert "pulumi cancel" in message, message
        assert f"/{STACK}/{lock.name}" in message, message  # the lock named, under the stack's name
    # A preview takes no lock: it runs beside the update, and reads a whole checkpoint (the backend's metadata=skip:
    # tests/lib/pulumi_engine.py).
    assert preview.returncode == 0, preview.stdout + preview.stderr

    assert locks(project) == []
    resources = project.export(STACK)["deployment"]["resources"]
    assert len({r["urn"] for r in resources}) == len(resources)  # nothing written twice
    clean = project.run("preview", "--stack", STACK, "--expect-no-changes", check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
