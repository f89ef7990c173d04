"""The real Pulumi CLI (built by scripts/lib/pulumi.sh) on a copy of a project, with a file backend of the test's own.

Each test's project is a copy in a temporary directory: `pulumi stack init` writes an encryption salt into the stack
file and the tests change settings, so the checkout's files are never touched. The copy's Pulumi.yaml points its
virtualenv at the checkout's .venv (where scripts/test installed the library and its SDKs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]

PASSPHRASE = "pod-patterns-engine-tests"
STACK_ENTRIES = ("Pulumi.yaml", "__main__.py", "stacks")
"""What copy_project takes of the checkout to deploy its stacks."""
FILE_BACKEND_QUERY = "metadata=skip"
"""As scripts/pulumi's backend: no `.attrs` sidecar files, which the file backend writes in place (an update killed
mid-write, or a preview reading beside an update, meets an empty one: "failed to load checkpoint: EOF")."""
LEAF_CERTIFICATE_TYPE = "tls:index/locallySignedCert:LocallySignedCert"
"""The type of the certificates the patterns issue and renew in their early-renewal window."""
COMMAND_TIMEOUT = 1800  # seconds; pulumi-kubernetes waits up to 10 minutes for a rollout


@dataclass(frozen=True)
class Engine:
    """The real Pulumi engine as scripts/lib/pulumi.sh built it, and the cluster it deploys to."""

    bin_dir: Path
    """The CLI and its language hosts (pulumi_tools_dir)."""
    home: Path
    """The PULUMI_HOME holding the kubernetes and tls providers (pulumi_home_dir)."""
    kubeconfig: Path
    """The test control plane's kubeconfig; a path to nothing for tests that deploy no Kubernetes object."""


@dataclass(frozen=True)
class Project:
    """A copy of a Pulumi project with its own backend; `run` is `pulumi ARGS` in it."""

    engine: Engine
    directory: Path
    backend: Path
    path: str = field(default_factory=lambda: os.environ["PATH"])
    """PATH after the CLI's directory (where the language host finds python3 when no interpreter is chosen)."""
    python: Path | None = PROJECT_DIR / ".venv" / "bin" / "python"
    """The interpreter of Python plugins (the component package, the policy pack): PULUMI_PYTHON_CMD."""

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "PATH": f"{self.engine.bin_dir}:{self.path}",
            "PULUMI_HOME": str(self.engine.home),
            "PULUMI_BACKEND_URL": f"file://{self.backend}?{FILE_BACKEND_QUERY}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "KUBECONFIG": str(self.engine.kubeconfig),
            "NO_COLOR": "1",
        }
        env.pop("PULUMI_PYTHON_CMD", None)
        if self.python:
            env["PULUMI_PYTHON_CMD"] = str(self.python)
        return env

    def run(
        self, *args: str, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`pulumi ARGS --non-interactive`, with `env` added to the environment; with `check`, a failure raises with
        the command's output."""
        command = [str(self.engine.bin_dir / "pulumi"), *args, "--non-interactive"]
        done = subprocess.run(
            command, cwd=self.directory, env={**self.env(), **(env or {})}, capture_output=True, text=True,
            timeout=COMMAND_TIMEOUT, check=False,
        )  # fmt: skip
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def stack_init(self, stack: str) -> None:
        self.run("stack", "init", stack, "--secrets-provider", "passphrase")

    def config_set(self, stack: str, key: str, value: Any) -> None:
        """Sets a (possibly structured) key: `value` is written as JSON into the stack file's config."""
        self.run(
            "config", "set", "--stack", stack, "--path", key, json.dumps(value) if not isinstance(value, str) else value
        )

    def outputs(self, stack: str) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "output", "--stack", stack, "--json", "--show-secrets").stdout))

    def export(self, stack: str) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "export", "--stack", stack).stdout))

    def expire_certificates(self, stack: str, name: str | None = None) -> None:
        """Moves the recorded end of validity of the stack's leaf certificates (only the one named `name`, when given)
        into the past: their renewal window reached without waiting (time cannot be moved), by `pulumi stack import`
        of the edited export. The next `up` (or `up --refresh`) renews them."""
        state = self.export(stack)
        leaves = [
            r for r in state["deployment"].get("resources", []) if r["type"] == LEAF_CERTIFICATE_TYPE
            and (name is None or r["urn"].endswith(f"::{name}"))
        ]  # fmt: skip
        assert leaves, f"stack {stack} has no leaf certificate {name or ''}"
        for leaf in leaves:
            leaf["outputs"]["validityEndTime"] = "2000-01-01T00:00:00Z"
        state_file = self.directory.parent / f"{self.directory.name}-{stack}-expired.json"
        state_file.write_text(json.dumps(state))
        self.run("stack", "import", "--stack", stack, "--file", str(state_file))

    def stack_file(self, stack: str) -> Path:
        settings = yaml.safe_load((self.directory / "Pulumi.yaml").read_text())
        return self.directory / settings.get("stackConfigDir", ".") / f"Pulumi.{stack}.yaml"


def copy_project(engine: Engine, source: Path, destination: Path, entries: tuple[str, ...] = ()) -> Project:
    """A copy of the project at `source` (only `entries` when given) whose Python runs on the checkout's .venv."""
    ignore = shutil.ignore_patterns(".venv", "venv", "__pycache__")
    if entries:
        destination.mkdir()
        for entry in entries:
            if (source / entry).is_dir():
                shutil.copytree(source / entry, destination / entry, ignore=ignore)
            else:
                shutil.copy2(source / entry, destination / entry)
    else:
        shutil.copytree(source, destination, ignore=ignore)
    settings_file = destination / "Pulumi.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    runtime = settings.get("runtime")
    if isinstance(runtime, dict) and runtime.get("name") == "python":
        runtime.setdefault("options", {})["virtualenv"] = str(PROJECT_DIR / ".venv")
        settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))
    backend = destination.parent / f"{destination.name}-state"
    backend.mkdir()
    return Project(engine, destination, backend)
