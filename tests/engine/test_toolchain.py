"""What scripts/pulumi builds and runs: the pinned versions, the installed plugins, its defaults and what it keeps."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

from ..conftest import PROJECT_DIR
from ..lib.pulumi_engine import Engine, Project

LIBRARY = PROJECT_DIR / "scripts" / "lib" / "pulumi.sh"


def _shell_variable(name: str) -> str:
    match = re.search(rf"^{name}=(\S+)$", LIBRARY.read_text(), re.MULTILINE)
    assert match, f"{name} not set in {LIBRARY}"
    return match.group(1)


def _requirement(package: str) -> str:
    match = re.search(rf"^{package}==(\S+)$", (PROJECT_DIR / "requirements.txt").read_text(), re.MULTILINE)
    assert match, f"requirements.txt pins no {package}"
    return match.group(1)


def test_the_sdks_are_pinned_to_the_provider_versions_built() -> None:
    assert _requirement("pulumi-kubernetes") == _shell_variable("PULUMI_KUBERNETES_VERSION")
    assert _requirement("pulumi-tls") == _shell_variable("PULUMI_TLS_VERSION")


def test_the_cli_reports_its_pinned_version_and_has_both_providers(built_engine: Engine) -> None:
    go_mod = (PROJECT_DIR / "toolchain" / "pulumi" / "cli" / "go.mod").read_text()
    (pinned,) = re.findall(r"github.com/pulumi/pulumi/pkg/v3 (v\S+)", go_mod)
    assert re.search(rf"github.com/pulumi/pulumi/sdk/v3 {re.escape(pinned)}\b", go_mod)
    env = {**os.environ, "PULUMI_HOME": str(built_engine.home), "PULUMI_SKIP_UPDATE_CHECK": "true"}

    def pulumi(*args: str) -> str:
        command = [str(built_engine.bin_dir / "pulumi"), *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout

    assert pulumi("version") == f"{pinned}\n"
    plugins = pulumi("plugin", "ls")
    for name, variable in [("kubernetes", "PULUMI_KUBERNETES_VERSION"), ("tls", "PULUMI_TLS_VERSION")]:
        version = re.escape(_shell_variable(variable))
        assert re.search(rf"^{name}\s+resource\s+{version}\s", plugins, re.MULTILINE), plugins


def _scripts_pulumi(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PROJECT_DIR / "scripts" / "pulumi"), "whoami", "--verbose"], cwd=cwd, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip


def test_scripts_pulumi_says_its_defaults_and_keeps_the_callers_settings(built_engine: Engine, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    defaults = _scripts_pulumi(env, tmp_path)
    assert defaults.returncode == 0, defaults.stderr
    assert f"PULUMI_BACKEND_URL=file://{PROJECT_DIR}/.pulumi-state?metadata=skip" in defaults.stderr
    assert "PULUMI_CONFIG_PASSPHRASE=" in defaults.stderr
    assert f"Backend URL: file://{PROJECT_DIR}/.pulumi-state" in defaults.stdout

    backend = tmp_path / "state"
    backend.mkdir()
    callers = {"PULUMI_BACKEND_URL": f"file://{backend}", "PULUMI_CONFIG_PASSPHRASE": "x"}
    kept = _scripts_pulumi({**env, **callers}, tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "scripts/pulumi:" not in kept.stderr
    assert f"Backend URL: file://{backend}" in kept.stdout


@pytest.mark.parametrize(
    ("options", "lock_file", "named"),
    [
        ({"toolchain": "uv"}, None, 'runtime option toolchain: "uv" is not supported'),
        ({"toolchain": "poetry"}, None, 'runtime option toolchain: "poetry" is not supported'),
        ({"typechecker": "mypy"}, None, 'runtime option typechecker: "mypy" is not supported'),
        ({}, "uv.lock", "uv.lock would make Pulumi use uv"),
        ({"virtualenv": 3}, None, "runtime option virtualenv must be a string"),
    ],
)
def test_the_python_host_refuses_what_it_does_not_do_by_name(
    built_engine: Engine, tmp_path: Path, options: dict[str, object], lock_file: str | None, named: str
) -> None:
    """Pulumi's host would use uv, poetry or a typechecker; ours says it does not, before anything is installed."""
    directory = tmp_path / "project"
    directory.mkdir()
    runtime = {"name": "python", "options": {"virtualenv": "venv", **options}}
    (directory / "Pulumi.yaml").write_text(yaml.safe_dump({"name": "refused", "runtime": runtime}))
    (directory / "__main__.py").write_text("")
    if lock_file:
        (directory / lock_file).write_text("")
    state = tmp_path / "state"
    state.mkdir()
    project = Project(built_engine, directory, state)
    refusals = [project.run("install", check=False)]
    project.stack_init("refused")
    refusals.append(project.run("preview", "--stack", "refused", check=False))
    for done in refusals:
        assert done.returncode != 0
        assert named in done.stdout + done.stderr, done.stdout + done.stderr
        assert "Pulumi.yaml" in done.stdout + done.stderr
    assert not (directory / "venv").exists()


@pytest.mark.parametrize("language", ["python", "nodejs", "go"])
def test_each_language_host_ends_when_the_cli_closes_it_even_if_started_ignoring_interrupts(
    built_engine: Engine, language: str
) -> None:
    """The CLI closes a plugin by interrupting its process group, then kills it if it is still there 5 s on. A host
    that ignored the interrupt (inherited, as from a test runner's worker) was killed, and the CLI's second kill could
    find it already reaped: under load `pulumi install` failed with "closing language plugin: os: process already
    finished". Each host ends at the interrupt, as Pulumi's own hosts do."""
    host = subprocess.Popen(
        ["sh", "-c", 'trap "" INT; exec "$0" 127.0.0.1:1', built_engine.bin_dir / f"pulumi-language-{language}"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert host.stdout is not None
        assert host.stdout.readline().strip().isdigit(), "the host did not print the port it serves on"
        os.killpg(host.pid, signal.SIGINT)
        assert host.wait(timeout=5) == 0
    finally:
        if host.poll() is None:
            host.kill()
            host.wait()
