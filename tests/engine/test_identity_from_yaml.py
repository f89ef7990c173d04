"""The identity guard through the component provider: a YAML program's ElasticsearchApp (a one-node StatefulSet,
tests/engine/programs/identity) is deployed, then renamed; the preview and an `up` without preview are refused by
the hook the provider registered, naming the key, and the cluster keeps its objects."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube, delete_namespaces, unique_suffix
from ..lib.pulumi_engine import Engine, copy_project

PROGRAM = Path(__file__).parent / "programs" / "identity"


def test_a_rename_in_a_yaml_program_is_refused_before_anything_changes(
    engine: Engine, kube: Kube, tmp_path: Path
) -> None:
    project = copy_project(engine, PROGRAM, tmp_path / "identity")
    settings_file = project.directory / "Pulumi.yaml"
    program = yaml.safe_load(settings_file.read_text())
    program["packages"] = {"podpatterns": str(PROJECT_DIR / "components")}
    properties = program["resources"]["elasticsearch"]["properties"]
    namespace = properties["namespace"] = f"{properties['namespace']}{unique_suffix()}"
    settings_file.write_text(yaml.safe_dump(program, sort_keys=False))
    project.stack_init("test")
    try:
        project.run("up", "--stack", "test", "--yes")
        uids = {m["metadata"]["uid"] for m in kube.json("get", "all,configmap", "-n", namespace)["items"]}
        assert kube.json("get", "statefulset", "elasticsearch", "-n", namespace)["spec"]["replicas"] == 1
        properties["elasticsearch"]["name"] = "renamed"
        settings_file.write_text(yaml.safe_dump(program, sort_keys=False))
        for command in (("preview",), ("up", "--yes", "--skip-preview")):  # arguments, not a command line
            done = project.run(*command, "--stack", "test", check=False)
            output = done.stdout + done.stderr
            assert done.returncode != 0, output
            assert "elasticsearch.name: the change replaces the StatefulSet" in output, output
        assert {m["metadata"]["uid"] for m in kube.json("get", "all,configmap", "-n", namespace)["items"]} == uids
    finally:
        project.run("destroy", "--stack", "test", "--yes", check=False)
        delete_namespaces(kube, [namespace])
