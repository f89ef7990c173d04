"""scripts/lib/background.sh: a slow preparation run beside the others, its output in its log, and its whole process
group stopped when the script that started it exits, a previous exit trap kept."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from ..conftest import PROJECT_DIR

BACKGROUND = PROJECT_DIR / "scripts" / "lib" / "background.sh"


def test_the_preparation_logs_and_its_group_stops_when_the_script_exits(tmp_path: Path) -> None:
    script = f"""
    source {BACKGROUND}
    trap 'echo previous trap ran >{tmp_path}/trap' EXIT
    prepare() {{ echo preparing; sh -c 'echo $$ >{tmp_path}/child; exec sleep 600'; }}
    in_background {tmp_path}/logs/prepare.log prepare
    while [ ! -s {tmp_path}/child ]; do sleep 0.1; done
    """
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    child = int((tmp_path / "child").read_text())
    assert (tmp_path / "logs" / "prepare.log").read_text() == "preparing\n"
    assert (tmp_path / "trap").read_text() == "previous trap ran\n"
    deadline = time.monotonic() + 10  # SIGTERM is delivered, not awaited, by the exit trap's kill
    while (state := _state(child)) not in ("gone", "Z") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert state in ("gone", "Z"), f"the background's sleep {child} outlived the script (state {state})"


def _state(pid: int) -> str:
    """The process's state letter (Z: ended, not yet reaped), or "gone"."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
