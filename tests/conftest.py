"""Shared fixtures: the project's stacks rendered offline once per session, the Vault agent stand-in built once,
the dev and prod stacks' Elasticsearch pods run by the end-to-end harness once per module that asks; and the markers
that say what each test needs (pyproject.toml registers them), by folder and by fixture; and the check that no
process a test started outlives the session (tests/lib/leaks.py)."""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from podpatterns.pod.model import Manifest
from podpatterns.render import Recording, kubernetes_objects, run_offline

from .lib.harness.stack import StackPod, run_stack
from .lib.kube import Kube, exited
from .lib.leaks import LeakWatch
from .lib.prerequisites import unavailable
from .lib.pulumi_engine import Engine
from .lib.standins.vault import build_agent

TESTS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = TESTS_DIR.parent
STACKS = sorted(
    p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (PROJECT_DIR / "stacks").glob("Pulumi.*.yaml")
)


FOLDER_NEEDS = {
    "behaviour": ("root",),
    "e2e": ("root", "slow"),
    "nodes": ("root", "cluster", "slow"),
    "cluster": ("cluster", "slow"),
    "engine": ("engine", "slow"),
    "real_elasticsearch": ("root", "slow"),
    "vault": ("root", "cluster", "slow"),
}
"""The markers of every test in a folder of tests/ (a module adds its own with `pytestmark`)."""
FIXTURE_NEEDS = {
    "kube": ("cluster",),
    "built_engine": ("engine",),
    "stack_pod": ("root", "slow"),
    "vault_agent": ("tools",),  # compiled with Go
}
"""The markers of every test that uses a fixture, directly or through another fixture."""


LEAKS = LeakWatch()
"""The processes this pytest process's tests started (tests/lib/leaks.py)."""


def pytest_configure(config: pytest.Config) -> None:
    LEAKS.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield
    LEAKS.note(item.nodeid)


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_session() -> Iterator[None]:
    """Fails the run naming every process a test started that is still alive once the session's fixtures are torn
    down (torn down last: set up first), and kills it."""
    yield
    leaked = LEAKS.leaked()
    LEAKS.kill()
    assert not leaked, "processes the tests started outlive them:\n" + "\n".join(leaked)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test on the cluster fails at once, naming the program, when one of the cluster's programs has exited."""
    kubeconfig, bin_dir = os.environ.get("KUBECONFIG"), os.environ.get("PODPATTERNS_KUBE_BIN")
    if "kube" not in getattr(item, "fixturenames", ()) or not (kubeconfig and bin_dir):
        return
    if processes := exited(Path(kubeconfig).parent):
        pytest.fail("the test cluster is not whole:\n" + "\n".join(processes), pytrace=False)


LONGEST_FIRST = ("real_elasticsearch", "engine", "nodes", "e2e", "behaviour", "vault", "cluster", "scripts")
"""Folders whose files run real programs for minutes. The workers (one file at a time, scripts/test) get their files
first, taken in turn from each folder (not every Elasticsearch boot at once), so that no worker is left finishing a
long file alone at the end; the other folders' short files follow and fill the gaps."""

LONGEST_FILES = (
    "engine/test_language_examples.py",
    "nodes/test_prod_stack.py",
    "real_elasticsearch/test_alert_rules_on_real_series.py",
)
"""The files that took 10 to 20 minutes of a worker in the cold run (the Go example's first build; prod's three
nodes, its rolling restart and faults on the real nodes; a full data volume), handed out before all others: one
started late was the run's last minutes, one worker busy and three idle."""


def _folder(item: pytest.Item) -> str:
    return item.path.relative_to(TESTS_DIR).parts[0] if item.path.is_relative_to(TESTS_DIR) else ""


def _longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.path, []).append(item)
    longest = [files.pop(path) for path in (TESTS_DIR / name for name in LONGEST_FILES) if path in files]
    by_folder: dict[str, list[list[pytest.Item]]] = {}
    for tests in files.values():
        by_folder.setdefault(_folder(tests[0]), []).append(tests)
    heavy = [by_folder.pop(folder, []) for folder in LONGEST_FIRST]
    in_turn = [tests for turn in itertools.zip_longest(*heavy) for tests in turn if tests]
    return [item for tests in [*longest, *in_turn, *itertools.chain(*by_folder.values())] for item in tests]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items[:] = _longest_first(items)
    for item in items:
        needs = set(FOLDER_NEEDS.get(_folder(item), ()))
        for fixture in getattr(item, "fixturenames", ()):
            needs.update(FIXTURE_NEEDS.get(fixture, ()))
        for need in sorted(needs):
            item.add_marker(need)


@pytest.fixture(scope="session")
def recordings() -> dict[str, Recording]:
    return {stack: run_offline(PROJECT_DIR, stack) for stack in STACKS}


@pytest.fixture(scope="session")
def rendered(recordings: dict[str, Recording]) -> dict[str, list[Manifest]]:
    """Every stack's Kubernetes objects, as `python -m podpatterns.render` writes them."""
    return {stack: kubernetes_objects(recording) for stack, recording in recordings.items()}


@pytest.fixture(scope="session")
def vault_agent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Vault agent stand-in (tests/lib/standins/vault/agent.go), compiled with Debian's Go."""
    return build_agent(tmp_path_factory.mktemp("vault-agent"))


@pytest.fixture(scope="module")
def dev_pod(
    recordings: dict[str, Recording], vault_agent: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackPod]:
    """The dev stack's pod, started and ready, for one test module alone (its load does not reach the others)."""
    with run_stack("dev", recordings["dev"], tmp_path_factory.mktemp("dev-pod"), vault_agent) as pod:
        yield pod


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack_pod(
    request: pytest.FixtureRequest,
    recordings: dict[str, Recording],
    vault_agent: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StackPod]:
    """The stack's Elasticsearch pod, started and ready (needs root; skips without it, except under CI)."""
    stack = request.param
    with run_stack(stack, recordings[stack], tmp_path_factory.mktemp(f"pod-{stack}"), vault_agent) as pod:
        yield pod


@pytest.fixture(scope="session")
def kube() -> Kube:
    """kubectl on the test cluster scripts/test starts (scripts/cluster up), from the variables `scripts/cluster env`
    prints. Without it the tests skip, except under CI.

    Both must be set: a KUBECONFIG alone may be a developer's real cluster, which no test may touch.
    """
    kubeconfig, bin_dir = os.environ.get("KUBECONFIG"), os.environ.get("PODPATTERNS_KUBE_BIN")
    if not (kubeconfig and bin_dir):
        unavailable(
            "no test cluster: scripts/test starts one when Go is installed (scripts/cluster up, then "
            "export $(scripts/cluster env) to run pytest by hand)"
        )
    return Kube(Path(bin_dir) / "kubectl", Path(kubeconfig))


def _built(function: str) -> Path:
    """A path that scripts/lib/pulumi.sh computes for this checkout (the cache is keyed by the wrapper modules)."""
    script = f"source scripts/lib/pulumi.sh && {function}"
    return Path(
        subprocess.run(
            ["bash", "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    )


@pytest.fixture(scope="session")
def built_engine() -> Engine:
    """The CLI, its language hosts and the providers' PULUMI_HOME, without a cluster (KUBECONFIG names none)."""
    bin_dir, home = _built("pulumi_tools_dir"), _built("pulumi_home_dir")
    if not (home / ".complete").exists():
        unavailable("the Pulumi engine is not built: scripts/test builds it (or run scripts/pulumi version once)")
    return Engine(bin_dir, home, Path("/nonexistent/kubeconfig"))


@pytest.fixture(scope="session")
def engine(built_engine: Engine, kube: Kube) -> Engine:
    """The engine pointed at the test cluster."""
    return Engine(built_engine.bin_dir, built_engine.home, kube.kubeconfig)
