"""The offline render: every stack renders, identically each time, and bad config writes nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from podpatterns.render.__main__ import main as render_main
from podpatterns.render.offline import SECRET_PLACEHOLDER, stack_config

from ..conftest import PROJECT_DIR, STACKS


def render(stack: str, out: Path, project: Path = PROJECT_DIR, *options: str) -> int:
    return render_main(["--stack", stack, "--out", str(out), "--project", str(project), *options])


def test_the_three_environments_exist() -> None:
    assert STACKS == ["dev", "prod", "staging"]


@pytest.mark.parametrize("stack", STACKS)
def test_renders_twice_byte_identical(stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert render(stack, tmp_path / "one", PROJECT_DIR, "--urns", str(tmp_path / "one" / "urns.txt")) == 0
    first_summary = capsys.readouterr().out.replace(str(tmp_path / "one"), "DIR")
    assert render(stack, tmp_path / "two", PROJECT_DIR, "--urns", str(tmp_path / "two" / "urns.txt")) == 0
    assert capsys.readouterr().out.replace(str(tmp_path / "two"), "DIR") == first_summary
    one = {str(p.relative_to(tmp_path / "one")): p.read_bytes() for p in (tmp_path / "one").rglob("*.*")}
    two = {str(p.relative_to(tmp_path / "two")): p.read_bytes() for p in (tmp_path / "two").rglob("*.*")}
    assert one == two
    assert len(one) >= 5
    assert "urns.txt" in one
    assert any(name.startswith("diagrams/") and name.endswith(".mmd") for name in one)


def test_summary_shows_tree_pods_and_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    render("prod", tmp_path)
    summary = capsys.readouterr().out
    assert "└─ podpatterns:index:ElasticsearchApp elasticsearch" in summary
    assert "Pod of StatefulSet search-prod/elasticsearch" in summary
    assert "main    elasticsearch           9300/transport" in summary
    assert "sidecar tls-ambassador          9200/https" in summary  # native: stops after Elasticsearch
    assert "9200/https 9117/tls-expiry docker.io/library/nginx:" in summary  # a column that overflows stays apart
    assert (
        "CertRequest, ConfigMap, LocallySignedCert, Namespace, NetworkPolicy x2, PersistentVolumeClaimPatch x3, "
        "PodDisruptionBudget, PodMonitor, PrivateKey x2, Secret, SelfSignedCert, Service x2, Stash, "
        "StatefulSet" in summary
    )  # the transport CA and node certificate beside the workload, its identity kept in a Stash
    assert "podpatterns:index:TlsAmbassador elasticsearch-tls" in summary
    assert "data(claim 100Gi)" in summary
    assert "endpoint: https://elasticsearch.search-prod.svc:9200" in summary
    assert "caCertificate: [known after deploy: tls:index/selfSignedCert:SelfSignedCert elasticsearch-tls-ca" in summary
    assert (
        "clientSecrets: {'ingest': 'ingest/elasticsearch-client-ingest', "
        "'kibana': 'kibana/elasticsearch-client-kibana'," in summary
    )
    assert len(summary.splitlines()) <= 40  # one screen


def test_one_file_per_object_named_after_kind_namespace_and_name(tmp_path: Path) -> None:
    render("staging", tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == [
        "configmap_search-staging_elasticsearch-ambassador.yaml",
        "configmap_search-staging_elasticsearch-config.yaml",
        "configmap_search-staging_elasticsearch-vault-agent.yaml",
        "namespace_search-staging.yaml",
        "networkpolicy_search-staging_elasticsearch.yaml",
        "secret_search-staging_elasticsearch-tls.yaml",
        "secret_search-staging_elasticsearch-transport-tls.yaml",
        "service_search-staging_elasticsearch-headless.yaml",
        "service_search-staging_elasticsearch.yaml",
        "serviceaccount_search-staging_elasticsearch-vault.yaml",
        "statefulset_search-staging_elasticsearch.yaml",
    ]


def copy_project(tmp_path: Path, stack_yaml: str) -> Path:
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, project / name)
    (project / "stacks" / "Pulumi.broken.yaml").write_text(stack_yaml)
    return project


def test_bad_config_exits_non_zero_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path, "config:\n  pod-patterns:elasticsearch:\n    nodez: 3\n")
    out = tmp_path / "out"
    assert render("broken", out, project) == 2
    error = capsys.readouterr().err
    assert "stacks/Pulumi.broken.yaml: pod-patterns:elasticsearch.nodez: unknown key" in error
    assert "did you mean 'nodes'?" in error
    assert not out.exists()


def test_bad_config_keeps_a_previous_render(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert render("dev", out) == 0
    before = sorted(out.iterdir())
    project = copy_project(tmp_path, "config:\n  pod-patterns:namespace: Not_A_Label\n")
    assert render("broken", out, project) == 2
    assert sorted(out.iterdir()) == before


def test_secure_config_becomes_a_marked_placeholder(tmp_path: Path) -> None:
    project = copy_project(tmp_path, "config:\n  pod-patterns:token:\n    secure: AAABAJx0c2VjcmV0\n")
    _, config, secret_keys = stack_config(project, "broken")
    assert config["pod-patterns:token"] == SECRET_PLACEHOLDER
    assert secret_keys == ["pod-patterns:token"]


def test_command_line_entry_point(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "podpatterns.render", "--stack", "dev", "--out", str(tmp_path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Wrote 7 objects to" in result.stdout


def files_under(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def test_a_project_or_its_stacks_directory_is_refused_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path, "config:\n  pod-patterns:namespace: shop\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "my-ingress.yaml").write_text("kind: Ingress\n")
    before = files_under(project)
    for out in (project, project / "stacks"):
        assert render("dev", out) == 4
        error = capsys.readouterr().err
        assert f"error: {out} is not empty and no render wrote it" in error
        assert "--force" in error
    assert files_under(project) == before


def test_force_renders_into_a_project_directory_without_touching_its_files(tmp_path: Path) -> None:
    project = copy_project(tmp_path, "config:\n  pod-patterns:namespace: shop\n")
    before = files_under(project)
    assert render("dev", project, PROJECT_DIR, "--force") == 0
    after = files_under(project)
    assert {name: after[name] for name in before} == before
    assert "namespace_search-dev.yaml" in after


def test_a_second_render_replaces_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert render("dev", out) == 0
    (out / "notes.md").write_text("the user's\n")
    (out / "diagrams" / "sketch.mmd").write_text("flowchart LR\n")
    assert render("prod", out) == 0
    names = set(files_under(out))
    assert "notes.md" in names
    assert "diagrams/sketch.mmd" in names
    assert not any("search-dev" in name for name in names)  # the dev render's files, and only them, are gone
    assert "statefulset_search-prod_elasticsearch.yaml" in names
