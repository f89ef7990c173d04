"""PodTemplateMerge and the podContribution outputs through the real engine, from YAML, without a cluster: SysctlInit
and LogTailSidecar own no Kubernetes objects (tests/engine/programs/merge)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..conftest import PROJECT_DIR
from ..lib.pulumi_engine import Engine, Project, copy_project

PROGRAM = Path(__file__).parent / "programs" / "merge"


def _program(engine: Engine, directory: Path) -> Project:
    project = copy_project(engine, PROGRAM, directory)
    settings_file = project.directory / "Pulumi.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    settings["packages"] = {"podpatterns": str(PROJECT_DIR / "components")}
    settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))
    project.stack_init("test")
    return project


def test_contributions_merge_into_a_template_given_by_another_components_output(
    built_engine: Engine, tmp_path: Path
) -> None:
    project = _program(built_engine, tmp_path / "merge")
    try:
        project.run("up", "--stack", "test", "--yes")
        outputs = project.outputs("test")
        spec = outputs["template"]["spec"]
        assert [c["name"] for c in spec["containers"]] == ["orders"]
        assert [(c["name"], c["restartPolicy"]) for c in spec["initContainers"]] == [("tail-access-log", "Always")]
        assert spec["securityContext"]["sysctls"] == [{"name": "net.ipv4.tcp_keepalive_time", "value": "600"}]
        logs = outputs["logsContribution"]  # camelCase, as the schema's PodContributionData
        assert set(logs) == {"source", "nativeSidecars"}
        assert logs["source"].startswith("LogTailSidecar")
        done = project.run("preview", "--stack", "test", "--expect-no-changes", check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        project.run("destroy", "--stack", "test", "--yes", check=False)


def test_a_conflict_fails_the_deployment_with_merge_pods_message(built_engine: Engine, tmp_path: Path) -> None:
    project = _program(built_engine, tmp_path / "conflict")
    settings_file = project.directory / "Pulumi.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    # The tailer's sidecar name, taken by the template's own container.
    settings["resources"]["first"]["properties"]["template"]["spec"]["containers"][0]["name"] = "tail-access-log"
    settings["resources"]["first"]["properties"]["appContainer"] = "tail-access-log"
    settings["resources"]["orders-pod"]["properties"]["appContainer"] = "tail-access-log"
    settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))
    try:
        done = project.run("up", "--stack", "test", "--yes", check=False)
        assert done.returncode != 0
        assert "container name 'tail-access-log' is claimed by the pod template given to PodTemplateMerge" in (
            done.stdout + done.stderr
        )
    finally:
        project.run("destroy", "--stack", "test", "--yes", check=False)
