"""A stack file with a settings error stops `pulumi preview` before any resource is registered, with the message the
offline render gives for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..conftest import PROJECT_DIR
from ..lib.pulumi_engine import STACK_ENTRIES, Engine, copy_project


def test_a_settings_error_stops_preview_with_the_offline_renders_message(engine: Engine, tmp_path: Path) -> None:
    project = copy_project(engine, PROJECT_DIR, tmp_path / "project", STACK_ENTRIES)
    project.stack_init("dev")
    project.config_set("dev", "pod-patterns:tls.keyAlgorithm", "DSA")
    offline = subprocess.run(
        [sys.executable, "-m", "podpatterns.render", "--stack", "dev", "--project", str(project.directory),
         "--out", str(tmp_path / "render")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert offline.returncode == 2, offline.stderr
    message = offline.stderr.removeprefix("error: ").strip()
    assert "Pulumi.dev.yaml" in message
    assert "keyAlgorithm" in message

    preview = project.run("preview", "--stack", "dev", "--diff", check=False)

    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert message in output, output
    registered = [line for line in preview.stdout.splitlines() if "kubernetes:" in line or "tls:index" in line]
    assert registered == [], output
