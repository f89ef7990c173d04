"""scripts/lib/gobuild.sh: a Go program built once from a wrapper module into the cache, whole or not at all.

A small wrapper module of the test's own and a cache directory of its own (PODPATTERNS_CACHE): never the control
plane's or the engine's. The cache keys of kube.sh and pulumi.sh are recomputed here from their inputs, so that a
change to the helper that would orphan the programs built so far fails.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.prerequisites import require_program

pytestmark = pytest.mark.tools  # Go
LIB = PROJECT_DIR / "scripts" / "lib"
HELLO = """package main

import "fmt"

var greeting = "unset"

func main() { fmt.Println(greeting) }
"""
BUILD_STEP = """
_hello_build() {
  echo "step ran" >>"$STEPS"
  gobuild_go "$1" "$2/hello" "-X main.greeting=$GREETING" .
}
"""


@pytest.fixture
def wrapper(tmp_path: Path) -> Path:
    """A wrapper module with a main of its own and no dependency."""
    require_program("go", "golang-go")
    module = tmp_path / "toolchain" / "hello"
    module.mkdir(parents=True)
    (module / "go.mod").write_text("module podpatterns.local/hello\n\ngo 1.26\n")
    (module / "go.sum").write_text("")
    (module / "main.go").write_text(HELLO)
    return module


def bash(script: str, env: dict[str, str] | None = None, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )


def ensure(wrapper: Path, cache: Path, greeting: str = "hello") -> subprocess.CompletedProcess[str]:
    script = f"""set -euo pipefail
source {LIB}/gobuild.sh
{BUILD_STEP}
bin=$(gobuild_bin_dir hello "$(gobuild_key {wrapper} 1)")
echo "$bin"
gobuild_ensure hello {wrapper} "$bin" "check the hello module" _hello_build
"""
    env = {"PODPATTERNS_CACHE": str(cache), "STEPS": str(cache / "steps.log"), "GREETING": greeting}
    return bash(script, env)


def go_version() -> str:
    return subprocess.run(["go", "env", "GOVERSION"], check=True, capture_output=True, text=True).stdout.strip()


def test_a_program_is_built_once_and_the_cache_holds_it_whole(wrapper: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    first = ensure(wrapper, cache)
    assert first.returncode == 0, first.stderr
    bin_dir = Path(first.stdout.strip())
    assert bin_dir.parent.parent == cache
    assert bin_dir.parent.name.startswith("hello-")
    assert (bin_dir / ".complete").is_file()
    assert not Path(f"{bin_dir}.partial").exists()
    assert not (bin_dir / "src").exists()  # the wrapper's copy goes once built
    assert subprocess.run([bin_dir / "hello"], capture_output=True, text=True, check=True).stdout == "hello\n"

    again = ensure(wrapper, cache, greeting="rebuilt")
    assert (again.returncode, again.stdout.strip(), again.stderr) == (0, str(bin_dir), "")
    assert (cache / "steps.log").read_text() == "step ran\n"  # not built again
    assert subprocess.run([bin_dir / "hello"], capture_output=True, text=True, check=True).stdout == "hello\n"


def test_two_builds_at_once_build_once(wrapper: Path, tmp_path: Path) -> None:
    """Two checkouts (or a test run beside CI) asking for the same program: the second waits for the first's lock
    and reuses what it built, instead of removing its half-built directory."""
    cache = tmp_path / "cache"
    cache.mkdir()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: ensure(wrapper, cache), range(2)))
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert (cache / "steps.log").read_text() == "step ran\n"
    bin_dir = Path(results[0].stdout.strip())
    assert subprocess.run([bin_dir / "hello"], capture_output=True, text=True, check=True).stdout == "hello\n"


def test_a_failed_build_leaves_no_program_and_says_where_its_log_is(wrapper: Path, tmp_path: Path) -> None:
    (wrapper / "main.go").write_text(HELLO.replace("fmt.Println(greeting)", "fmt.Println(undefined)"))
    result = ensure(wrapper, tmp_path)
    assert result.returncode == 1
    bin_dir = Path(result.stdout.strip())
    assert not bin_dir.exists()
    log = Path(f"{bin_dir}.partial/build.log")
    assert "undefined: undefined" in log.read_text()
    assert "undefined: undefined" in result.stderr  # the log's end is shown
    assert f"hello: building from {wrapper} failed; the whole log is {log}. check the hello module" in result.stderr


def test_the_key_follows_the_go_sources_the_go_version_and_the_revision(wrapper: Path) -> None:
    def key(revision: int = 1) -> str:
        result = bash(f"source {LIB}/gobuild.sh && gobuild_key {wrapper} {revision}")
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    before = key()
    assert len(before) == 16
    assert key(2) != before
    (wrapper / "main.go").write_text(HELLO + "// changed\n")
    assert key() != before
    (wrapper / "README").write_text("not a Go file")
    changed = key()
    (wrapper / "README").unlink()
    assert key() == changed


def test_kube_and_pulumi_keep_the_cache_directories_they_had_before_the_helper() -> None:
    """The formulas of kube.sh and pulumi.sh before gobuild.sh, recomputed here: the same inputs in the same order."""
    require_program("go", "golang-go")
    suffix = f"{go_version()}\n1\n".encode()
    cache = Path.home() / ".cache" / "pod-patterns"
    kube = PROJECT_DIR / "toolchain" / "kube"
    kube_key = hashlib.sha256((kube / "go.mod").read_bytes() + (kube / "go.sum").read_bytes() + suffix).hexdigest()
    expected = [f"{cache}/kube-{kube_key[:16]}/bin"]
    keys = []
    for module in ("cli", "tls", "kubernetes", "yaml", "languages"):
        wrapper = PROJECT_DIR / "toolchain" / "pulumi" / module
        files = sorted(
            (
                f"./{p.relative_to(wrapper)}"
                for p in wrapper.rglob("*")
                if p.is_file() and (p.suffix == ".go" or p.name in ("go.mod", "go.sum"))
            ),
            key=lambda name: name.encode(),
        )
        listing = "".join(f"{hashlib.sha256((wrapper / f).read_bytes()).hexdigest()}  {f}\n" for f in files)
        keys.append(hashlib.sha256(listing.encode() + suffix).hexdigest()[:16])
        expected.append(f"{cache}/pulumi-{module}-{keys[-1]}/bin")
    home_key = hashlib.sha256("".join(f"{k}\n" for k in keys).encode()).hexdigest()[:16]
    expected.append(f"{cache}/pulumi-home-{home_key}")
    script = """source scripts/lib/cluster.sh && source scripts/lib/pulumi.sh
kube_bin_dir
for module in "${PULUMI_MODULES[@]}"; do pulumi_bin_dir "$module"; done
pulumi_home_dir"""
    env = {k: v for k, v in os.environ.items() if k != "PODPATTERNS_CACHE"}
    result = subprocess.run(
        ["bash", "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected


@pytest.mark.parametrize(
    ("go", "message"),
    [
        (None, "hello: go is not installed: install Go 1.26 or newer (https://go.dev/dl/)"),
        ("1.25.3", "hello: {go} is go1.25.3, the pinned modules need Go 1.26 or newer: install it"),
    ],
    ids=["no-go", "go-1.25"],
)
def test_without_go_1_26_it_says_what_to_install(tmp_path: Path, go: str | None, message: str) -> None:
    path = tmp_path / "bin"
    path.mkdir()
    for tool in ("bash", "cut", "dirname"):
        (path / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    if go:
        fake = path / "go"
        fake.write_text(f'#!/bin/sh\n[ "$1" = env ] && echo go{go} || echo "go version go{go} linux/amd64"\n')
        fake.chmod(0o755)
    result = bash(f"source {LIB}/gobuild.sh && gobuild_require_go hello", {"PATH": str(path)})
    assert result.returncode == 1
    assert message.format(go=path / "go") in result.stderr
