"""The manifest diff's Markdown (podpatterns.render.diff) on small hand-made renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from podpatterns.render import diff


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_added_removed_and_changed_files_per_stack(tmp_path: Path) -> None:
    base = write(tmp_path / "base", {"dev/a.yaml": "x: 1\n", "dev/gone.yaml": "g: 1\n", "prod/a.yaml": "x: 1\n"})
    head = write(
        tmp_path / "head",
        {"dev/a.yaml": "x: 2\n", "dev/diagrams/web.mmd": "flowchart LR\n", "prod/a.yaml": "x: 1\n"},
    )
    text = diff.markdown(base, head, "main abc", "HEAD def")
    assert text.startswith("## Manifest diff: main abc → HEAD def\n")
    dev = text.split("### dev: ", 1)[1].split("### prod: ", 1)[0]
    assert dev.startswith("1 added, 1 removed, 1 changed\n")
    assert "--- a/dev/a.yaml\n+++ b/dev/a.yaml\n@@ -1 +1 @@\n-x: 1\n+x: 2\n" in dev
    assert "--- /dev/null\n+++ b/dev/diagrams/web.mmd\n" in dev
    assert "--- a/dev/gone.yaml\n+++ /dev/null\n" in dev
    assert "<details><summary>diagrams/web.mmd, as it is now</summary>\n\n```mermaid\nflowchart LR\n```\n" in dev
    assert text.endswith("### prod: no change\n")


def test_a_diff_holding_backticks_cannot_close_its_fence(tmp_path: Path) -> None:
    base = write(tmp_path / "base", {"dev/readme.md": "text\n"})
    head = write(tmp_path / "head", {"dev/readme.md": "````sh\nrun\n````\n"})
    text = diff.markdown(base, head)
    assert "\n`````diff\n" in text
    assert text.rstrip().endswith("`````")


def test_long_diffs_are_cut_with_a_pointer_to_the_full_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff, "MAX_LINES_PER_STACK", 10)
    base = write(tmp_path / "base", {"dev/a.yaml": ""})
    head = write(tmp_path / "head", {"dev/a.yaml": "".join(f"line{i}\n" for i in range(50))})
    text = diff.markdown(base, head)
    assert "+line6\n```\n... 43 more lines: run `scripts/manifest-diff` locally.\n" in text
    assert "+line7" not in text


def test_exit_status_names_a_failed_head_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path / "base", {"dev/a.yaml": "x: 1\n", "prod.error": "Traceback\nImportError: old base\n"})
    head = write(tmp_path / "head", {"dev/a.yaml": "x: 1\n", "prod/a.yaml": "x: 1\n"})
    assert diff.main(["--base", str(base), "--head", str(head)]) == 0  # the base may be too old to render
    assert "### prod: not compared, the base failed to render\n" in capsys.readouterr().out
    write(head, {"dev.error": "error: stacks/Pulumi.dev.yaml: bad\n"})
    assert diff.main(["--base", str(base), "--head", str(head)]) == 1
    out = capsys.readouterr().out
    assert "### dev: not compared, the head failed to render\n\nThe head render's error:\n\n```\nerror: stacks/" in out
