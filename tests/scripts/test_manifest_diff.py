"""scripts/manifest-diff for real: a temporary git repository holding this project, two commits, the diff between.

The repository is a copy of the checkout's files; it borrows this checkout's .venv (same pyproject.toml, so
scripts/lib/venv.sh finds it installed) and the script puts each side's own library first on the path.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR, STACKS
from ..lib.checkout import copy_checkout

pytestmark = pytest.mark.slow  # each test renders every stack twice in a copy of the project

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's files (tracked, and new ones not ignored) in a new repository, committed on branch `base`."""
    root = tmp_path_factory.mktemp("manifest-diff") / "repo"
    copy_checkout(root)
    (root / ".venv").symlink_to(PROJECT_DIR / ".venv")
    git(root, "init", "--quiet", "--initial-branch", "base")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "base")
    return root


def manifest_diff(repo: Path, base: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [repo / "scripts" / "manifest-diff", base], cwd=repo, check=False, capture_output=True, text=True
    )


def sections(markdown: str) -> dict[str, str]:
    """Each stack's section, by stack name."""
    parts = re.split(r"^### (\w+): ", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_a_change_shows_per_stack_rendered_with_each_sides_own_code(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "-b", "change", "base")
    dev = repo / "stacks" / "Pulumi.dev.yaml"
    dev.write_text(dev.read_text().replace("    memory: 1Gi\n", "    memory: 2Gi\n"))
    nginx = repo / "components" / "podpatterns" / "templates" / "nginx-ambassador.conf"
    nginx.write_text("# changed on the branch\n" + nginx.read_text())
    git(repo, "commit", "--quiet", "-am", "change")

    result = manifest_diff(repo, "base")
    assert result.returncode == 0, result.stderr
    base_commit = git(repo, "rev-parse", "--short", "base").strip()
    head_commit = git(repo, "rev-parse", "--short", "HEAD").strip()
    assert result.stdout.startswith(f"## Manifest diff: base {base_commit} → HEAD {head_commit}\n")
    by_stack = sections(result.stdout)
    assert sorted(by_stack) == STACKS
    # The library change (the base renders with the base's template) shows in every stack's ConfigMap.
    for stack in STACKS:
        assert by_stack[stack].count("+    # changed on the branch") == 1, stack
        assert f"--- a/{stack}/configmap_search-{stack}_elasticsearch-ambassador.yaml" in by_stack[stack]
    # The stack change only in dev: the limit and the request of the Elasticsearch container.
    assert by_stack["dev"].startswith("2 changed\n")  # the ConfigMap and the Deployment
    assert "-            memory: 1Gi" in by_stack["dev"]
    assert "+            memory: 2Gi" in by_stack["dev"]
    assert "memory: 2Gi" not in by_stack["staging"] + by_stack["prod"]
    # Elsewhere the ConfigMap and the pods' hash of it, which rolls them.
    assert by_stack["prod"].startswith("2 changed\n")
    assert "+        pod-patterns.io/tls-sha256: " in by_stack["prod"]
    # Nothing left behind: the temporary worktree is gone.
    assert git(repo, "worktree", "list").count("\n") == 1


def test_unchanged_stacks_and_one_that_no_longer_renders(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "-B", "broken", "base")
    staging = repo / "stacks" / "Pulumi.staging.yaml"
    staging.write_text(staging.read_text().replace("workload: StatefulSet", "workload: ReplicaSet"))
    result = manifest_diff(repo, "base")
    assert result.returncode == 1
    by_stack = sections(result.stdout)
    assert by_stack["dev"] == by_stack["prod"] == "no change\n\n"
    assert by_stack["staging"] == (
        "not compared, the head failed to render\n\nThe head render's error:\n\n```\n"
        'error: stacks/Pulumi.staging.yaml: pod-patterns:elasticsearch.workload: "ReplicaSet" is not allowed: '
        "must be one of Deployment, StatefulSet\n```\n"
    )
    assert "HEAD" in result.stdout.splitlines()[0]
    assert "with uncommitted changes" in result.stdout.splitlines()[0]
    git(repo, "checkout", "--quiet", "--", "stacks")


def test_a_base_that_is_no_commit_is_refused(repo: Path) -> None:
    result = manifest_diff(repo, "no-such-branch")
    assert result.returncode == 2
    assert "error: no-such-branch is not a commit of this repository" in result.stderr
    assert result.stdout == ""


def test_replace_only_changes_are_labelled_replace_with_downtime(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "-B", "replace", "base")
    prod = repo / "stacks" / "Pulumi.prod.yaml"
    prod.write_text(prod.read_text().replace("storageSize: 100Gi", "storageSize: 200Gi"))
    config = repo / "components" / "podpatterns" / "elasticsearch" / "config.py"
    config.write_text(config.read_text().replace('return f"{cluster}-headless"', 'return f"{cluster}-nodes"'))
    git(repo, "commit", "--quiet", "-am", "bigger claims in prod, the headless Service renamed")

    result = manifest_diff(repo, "base")
    assert result.returncode == 0, result.stderr
    by_stack = sections(result.stdout)
    prod_lines = [line for line in by_stack["prod"].splitlines() if "REPLACE (downtime)" in line]
    assert prod_lines == [
        "- **REPLACE (downtime): StatefulSet search-prod/elasticsearch: spec.serviceName changed, which Kubernetes "
        "cannot update in place**",
        "- **REPLACE (downtime): StatefulSet search-prod/elasticsearch: spec.volumeClaimTemplates changed, which "
        "Kubernetes cannot update in place (ElasticsearchApp ignores this field on its StatefulSet (ignoreChanges) "
        "and grows the claims by patches; a smaller size or another StorageClass is refused at preview "
        "(docs/operations.md))**",
    ]
    staging = [line for line in by_stack["staging"].splitlines() if "REPLACE (downtime)" in line]
    assert len(staging) == 1  # the serviceName only: its storage did not change
    assert "spec.serviceName" in staging[0]
    assert "REPLACE" not in by_stack["dev"]  # a Deployment has no serviceName
    git(repo, "checkout", "--quiet", "base")
