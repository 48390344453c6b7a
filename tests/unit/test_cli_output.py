"""The command line at the edges of its output: a full disk gives one ``error:`` line and exit 2, a reader that has
gone (``| head``) ends it quietly, and files it writes take the process's umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mapkit.cli import CLOSED_OUTPUT
from mapkit.files import write_atomic

ROOT = Path(__file__).resolve().parents[2]
COVENTRY = "E08000026"
TABLE = ["table", "--level", "ward", "--indicator", "imd_score", "--region", COVENTRY]


def _mapkit(*args: str, stdout: object, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mapkit", *args]
    if umask is not None:  # the shell's umask, then the command, as a user's terminal runs it
        command = ["sh", "-c", f'umask {umask:03o} && exec "$@"', "sh", *command]
    return subprocess.run(command, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=300)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [TABLE, ["indicators"], ["regions"]], ids=["table", "indicators", "regions"])
def test_a_full_disk_gives_one_error_line_and_exit_2(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _mapkit(*args, stdout=full)
    assert done.returncode == 2
    assert done.stderr == "error: the output could not be written: No space left on device\n"


@pytest.mark.parametrize("args", [TABLE, ["indicators"], ["regions"]], ids=["table", "indicators", "regions"])
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    """As ``python -m mapkit indicators | head -1`` once head has read its line: the reader is gone before the
    command writes (closed here first, so the test does not depend on timing)."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = _mapkit(*args, stdout=write)
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == CLOSED_OUTPUT == 141


def test_head_reads_the_first_line_and_nothing_complains() -> None:
    done = subprocess.run(f'"{sys.executable}" -m mapkit {" ".join(TABLE)} | head -1', shell=True, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.stdout.startswith("area_code,area_name,") and done.stdout.count("\n") == 1
    assert done.stderr == ""


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)],
                         ids=["022", "027", "077"])
def test_an_exported_file_takes_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    out = tmp_path / "coventry.csv"
    done = _mapkit("export", *TABLE[1:], "--format", "csv", "-o", str(out), stdout=subprocess.PIPE, umask=umask)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert out.read_text(encoding="utf-8").startswith("area_code,area_name,")


def test_write_atomic_takes_the_umask_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        first = write_atomic(tmp_path / "a.bin", b"1")
        os.umask(0o002)
        second = write_atomic(tmp_path / "b.bin", b"2")
    finally:
        os.umask(old)
    assert stat.S_IMODE(first.stat().st_mode) == 0o644
    assert stat.S_IMODE(second.stat().st_mode) == 0o664
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.bin"]
