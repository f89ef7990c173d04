"""The mutation gate (scripts/mutants): its list stays applicable, and it judges mutants as it says."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..lib.mutants.gate import PROJECT_DIR, GateError, Mutation, Outcome, copy_tree, load_mutations, run_mutant, verdict

AREAS = {
    "TlsAmbassador": "components/podpatterns/tls/",
    "the ambassador's nginx configuration": "components/podpatterns/templates/nginx-ambassador",
    "PrometheusAdapter": "components/podpatterns/elasticsearch/exporter.py",
    "LogTailSidecar": "components/podpatterns/logtail/",
    "SysctlInit": "components/podpatterns/sysctl/",
    "VaultSecretsInit": "components/podpatterns/vault/",
    "the pod model": "components/podpatterns/pod/model.py",
    "settings ranges": "components/podpatterns/settings/",
    "NetworkPolicies": "components/podpatterns/elasticsearch/network.py",
}


def test_every_snippet_still_matches_the_code_exactly_once() -> None:
    """Fails in the ordinary test run, naming the mutation, as soon as the code under one moves."""
    for mutation in load_mutations():
        assert mutation.mutated(PROJECT_DIR) != (PROJECT_DIR / mutation.file).read_text()


def test_at_least_30_mutations_cover_every_pattern_and_the_shared_parts() -> None:
    mutations = load_mutations()
    assert len(mutations) >= 30
    uncovered = [area for area, prefix in AREAS.items() if not any(m.file.startswith(prefix) for m in mutations)]
    assert uncovered == []
    for mutation in mutations:
        assert mutation.promise
        assert all((PROJECT_DIR / test.split("::")[0]).is_file() for test in mutation.tests), mutation.name
        assert not any("golden" in test for test in mutation.tests), mutation.name


def mutation(**fields: str) -> Mutation:
    values = {"name": "answer-changed", "promise": "answers 42", "file": "components/answer.py", **fields}
    values.setdefault("find", "return 42")
    values.setdefault("replace", "return 41")
    return Mutation(**values, tests=("checks/test_answer.py",))  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project: components/answer.py, and a test of it."""
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "answer.py").write_text("def answer():\n    return 42\n")
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "test_answer.py").write_text(
        "from answer import answer\n\n\ndef test_answer():\n    assert answer() == 42\n"
    )
    return tmp_path


def test_a_stale_snippet_fails_naming_the_mutation(project: Path) -> None:
    with pytest.raises(
        GateError, match=r"mutation 'answer-changed': its snippet does not occur in components/answer.py"
    ):
        mutation(find="return 43").mutated(project)
    (project / "components" / "answer.py").write_text("def answer():\n    return 42\n\n\ndef again():\n    return 42\n")
    with pytest.raises(GateError, match="occurs 2 times"):
        mutation().mutated(project)


def test_a_killed_mutant_and_a_survivor_and_the_file_restored(project: Path) -> None:
    original = (project / "components" / "answer.py").read_text()
    killed = run_mutant(mutation(), project)
    assert killed.killed
    assert "test_answer" in killed.detail
    assert (project / "components" / "answer.py").read_text() == original
    survivor = run_mutant(mutation(find="def answer():", replace="def answer():  # harmless"), project)
    assert not survivor.killed


def test_the_checkout_is_copied_without_goldens_and_never_edited(tmp_path: Path) -> None:
    copy = copy_tree(PROJECT_DIR, tmp_path / "copy")
    assert (copy / "components" / "podpatterns" / "pod" / "model.py").is_file()
    assert not (copy / "tests" / "lib" / "golden").exists()
    assert not (copy / ".git").exists()


def test_verdict_fails_on_a_survivor_and_on_a_stale_allowlisting() -> None:
    plain, allowed = mutation(), mutation(name="equivalent", survives="no output can show it")
    assert verdict([Outcome(plain, True, 1.0, ""), Outcome(allowed, False, 1.0, "")])[0] == 0
    status, lines = verdict([Outcome(plain, False, 1.0, "all passed")])
    assert status == 1
    assert lines[0] == "mutation score: 0/1 killed (0%)"
    assert "SURVIVED answer-changed" in lines[1]
    assert verdict([Outcome(allowed, True, 1.0, "")])[0] == 1


def test_a_selection_that_only_skips_is_not_judged(project: Path) -> None:
    (project / "checks" / "test_answer.py").write_text(
        "import pytest\n\n\ndef test_answer():\n    pytest.skip('needs root')\n"
    )
    outcome = run_mutant(mutation(), project)
    assert (outcome.killed, outcome.ran) == (False, False)
    assert verdict([outcome])[0] == 0
