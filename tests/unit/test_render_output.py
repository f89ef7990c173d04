"""The render's output directory (podpatterns.render.output): render replaces and removes only what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from podpatterns.render.output import INDEX, OutputDirectoryError, previous_render, write_render


def contents(directory: Path) -> dict[str, str]:
    """Every file under `directory` (relative path -> text), the index left out."""
    return {
        str(p.relative_to(directory)): p.read_text() for p in directory.rglob("*") if p.is_file() and p.name != INDEX
    }


def test_a_new_directory_is_made_and_indexed(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    write_render(out, {"a.yaml": "a\n", "diagrams/pod.mmd": "flowchart\n"})
    assert contents(out) == {"a.yaml": "a\n", "diagrams/pod.mmd": "flowchart\n"}
    assert previous_render(out) == {"a.yaml", "diagrams/pod.mmd"}


def test_an_empty_directory_is_accepted(tmp_path: Path) -> None:
    write_render(tmp_path, {"a.yaml": "a\n"})
    assert contents(tmp_path) == {"a.yaml": "a\n"}


def test_a_second_render_replaces_its_files_removes_its_stale_ones_and_keeps_the_users(tmp_path: Path) -> None:
    write_render(tmp_path, {"kept.yaml": "old\n", "gone.yaml": "old\n", "diagrams/gone.mmd": "old\n"})
    (tmp_path / "mine.yaml").write_text("the user's\n")
    write_render(tmp_path, {"kept.yaml": "new\n", "added.yaml": "new\n"})
    assert contents(tmp_path) == {"kept.yaml": "new\n", "added.yaml": "new\n", "mine.yaml": "the user's\n"}
    assert not (tmp_path / "diagrams").exists()  # emptied by removing render's own file
    assert previous_render(tmp_path) == {"kept.yaml", "added.yaml"}


def test_a_directory_emptied_of_render_files_stays_when_the_user_has_a_file_there(tmp_path: Path) -> None:
    write_render(tmp_path, {"diagrams/gone.mmd": "old\n"})
    (tmp_path / "diagrams" / "notes.md").write_text("the user's\n")
    write_render(tmp_path, {"a.yaml": "a\n"})
    assert contents(tmp_path) == {"a.yaml": "a\n", "diagrams/notes.md": "the user's\n"}


def pulumi_project(directory: Path) -> dict[str, str]:
    """A project directory as a user has it: project file, stack files and a manifest of their own."""
    files = {
        "Pulumi.yaml": "name: shop\nruntime: python\n",
        "Pulumi.dev.yaml": "config:\n  shop:replicas: 1\n",
        "stacks/Pulumi.prod.yaml": "config:\n  shop:replicas: 3\n",
        "namespace_search-dev.yaml": "apiVersion: v1\nkind: Namespace\n# the user's own\n",
    }
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return files


def test_a_non_empty_directory_no_render_wrote_is_refused_untouched(tmp_path: Path) -> None:
    files = pulumi_project(tmp_path)
    with pytest.raises(OutputDirectoryError) as refused:
        write_render(tmp_path, {"namespace_search-dev.yaml": "rendered\n", "other.yaml": "rendered\n"})
    assert str(tmp_path) in str(refused.value)
    assert "--force" in str(refused.value)
    assert contents(tmp_path) == files
    assert not (tmp_path / INDEX).exists()


def test_force_writes_into_it_replacing_only_files_of_the_same_names(tmp_path: Path) -> None:
    files = pulumi_project(tmp_path)
    write_render(tmp_path, {"namespace_search-dev.yaml": "rendered\n", "other.yaml": "rendered\n"}, force=True)
    assert contents(tmp_path) == {**files, "namespace_search-dev.yaml": "rendered\n", "other.yaml": "rendered\n"}
    # From then on the directory is a render's: the next render removes its own stale file and nothing else.
    write_render(tmp_path, {"other.yaml": "rendered again\n"})
    users = {name: text for name, text in files.items() if name != "namespace_search-dev.yaml"}
    assert contents(tmp_path) == {**users, "other.yaml": "rendered again\n"}


def test_a_render_never_replaces_a_file_the_user_put_in_its_directory(tmp_path: Path) -> None:
    write_render(tmp_path, {"a.yaml": "a\n"})
    (tmp_path / "b.yaml").write_text("the user's\n")
    with pytest.raises(OutputDirectoryError, match=r"holds files that no render wrote .*: b\.yaml\..*--force"):
        write_render(tmp_path, {"a.yaml": "a2\n", "b.yaml": "rendered\n"})
    assert contents(tmp_path) == {"a.yaml": "a\n", "b.yaml": "the user's\n"}  # nothing written
    write_render(tmp_path, {"a.yaml": "a2\n", "b.yaml": "rendered\n"}, force=True)
    assert contents(tmp_path) == {"a.yaml": "a2\n", "b.yaml": "rendered\n"}


@pytest.mark.parametrize("entry", ["../outside.yaml", "/etc/hostname", "./a.yaml", "sub/../../outside.yaml"])
def test_an_index_naming_a_path_outside_is_refused(tmp_path: Path, entry: str) -> None:
    out = tmp_path / "out"
    write_render(out, {"a.yaml": "a\n"})
    (tmp_path / "outside.yaml").write_text("the user's\n")
    (out / INDEX).write_text(f"a.yaml\n{entry}\n")
    with pytest.raises(OutputDirectoryError, match=rf"{INDEX}:2: .* is not a plain relative path"):
        write_render(out, {})
    assert (tmp_path / "outside.yaml").read_text() == "the user's\n"
    assert (out / "a.yaml").exists()


def test_a_file_given_as_the_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("the user's\n")
    with pytest.raises(OutputDirectoryError, match="is not a directory"):
        write_render(tmp_path / "file", {"a.yaml": "a\n"}, force=True)
    assert (tmp_path / "file").read_text() == "the user's\n"
