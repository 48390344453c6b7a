"""The export command fails cleanly: one ``error: <path>: <cause>`` line, exit 2, no traceback, and no partial
file (each file is written to a temporary file in its folder, flushed, then renamed). CSV and text exports
neutralise cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import mapkit.export.batch
from mapkit.text import csvsafe
from mapkit.cli import main
from mapkit.errors import OutputError
from mapkit.analysis.map_data import prepare
from mapkit.view import View
from mapkit.export.formats import filename
from mapkit.files import write_atomic

REPO = Path(__file__).resolve().parents[3]
COVENTRY = "E08000026"
BASE = ["export", "--region", COVENTRY, "--level", "ward", "--indicator", "imd_score"]
CA = ["export", "--all-cas", "--level", "ca", "--indicator", "imd_score"]


def cli(args: list[str], *, file_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m mapkit`` in a subprocess (optionally under a file-size limit, RLIMIT_FSIZE)."""
    def limit() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run([sys.executable, "-m", "mapkit", *args], cwd=REPO, capture_output=True, text=True,
                          preexec_fn=limit, timeout=600, check=False)


def assert_clean_failure(result: subprocess.CompletedProcess[str], path: Path | str, cause: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"error: {path}: {cause}"), errors[0]
    return errors[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_file_size_limit_leaves_no_truncated_png(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    result = cli([*BASE, "--format", "png", "-o", str(out)], file_limit=100_000)
    assert_clean_failure(result, out, "File too large")
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_kept_whole_when_the_new_one_cannot_be_written(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    out.write_bytes(b"the previous map")
    result = cli([*BASE, "--format", "png", "-o", str(out)], file_limit=100_000)
    assert_clean_failure(result, out, "File too large")
    assert out.read_bytes() == b"the previous map" and leftovers(tmp_path) == ["map.png"]


@pytest.mark.parametrize(("path", "cause"), [
    ("/dev/full", "not a regular file"),
    ("/proc/map.csv", ""),
    ("/sys/map.csv", ""),
])
def test_special_places_fail_with_one_line(path: str, cause: str) -> None:
    line = assert_clean_failure(cli([*BASE, "--format", "csv", "-o", path]), path, cause)
    assert len(line) > len(f"error: {path}: ") + 5  # a cause is named
    assert not Path(path).is_file() or path == "/dev/full"


def test_a_folder_under_a_file_fails_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    out = tmp_path / "notes.txt" / "map.csv"
    assert_clean_failure(cli([*BASE, "--format", "csv", "-o", str(out)]), out, "a part of the folder path is a file")


def test_an_unwritable_folder_fails_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Root ignores folder permissions, so the refusal is simulated where the temporary file is made."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("mapkit.files._temporary", refuse)
    out = tmp_path / "map.csv"
    assert main([*BASE, "--format", "csv", "-o", str(out)]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"error: {out}: Permission denied"
    assert leftovers(tmp_path) == []


def test_all_cas_with_a_name_taken_by_a_folder_says_which_files_were_written(tmp_path: Path) -> None:
    views = mapkit.export.batch.ca_views({"level": "ca", "indicator": "imd_score"})
    names = [filename(prepare(v), "csv") for v in views]
    blocked = tmp_path / names[2]
    blocked.mkdir()
    result = cli([*CA, "--format", "csv", "-o", str(tmp_path)])
    line = assert_clean_failure(result, blocked, "a folder of that name is in the way")
    assert line.endswith(f"2 of {len(names)} files were written before it: {names[0]}, {names[1]}")
    assert leftovers(tmp_path) == sorted([names[0], names[1], names[2]])  # no temporary file left


def test_all_cas_into_an_impossible_folder_writes_nothing() -> None:
    result = cli([*CA, "--format", "csv", "-o", "/proc/maps-folder"])
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith("error: /proc/maps-folder/E47") and line.endswith("; none of the 15 files was written")


def test_write_atomic_replaces_whole_files(tmp_path: Path) -> None:
    out = write_atomic(tmp_path / "sub" / "a.bin", b"1" * 10)
    write_atomic(out, b"2")
    assert out.read_bytes() == b"2" and leftovers(out.parent) == ["a.bin"]
    with pytest.raises(OutputError, match="a folder of that name is in the way"):
        write_atomic(tmp_path, b"x")


# ---------------------------------------------------------------------------------------------- formula cells

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


def test_text_cells_are_neutralised_and_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"name": HOSTILE + ["Plain", None], "value": [-1.5, -2, 3, 4, 5, 6, -7.25, None],
                          "count": [-1, 2, 3, 4, 5, 6, 7, 8]})
    text = csvsafe.csv_text(frame)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["name", "value", "count"]
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE] + ["Plain", ""]
    assert [r[1] for r in rows[1:]] == ["-1.5", "-2.0", "3.0", "4.0", "5.0", "6.0", "-7.25", ""]
    assert [r[2] for r in rows[1:]][:1] == ["-1"]  # numbers stay numbers, negative ones too
    assert csvsafe.neutralise(-3) == -3 and csvsafe.neutralise("Coventry") == "Coventry"
    assert csvsafe.neutralise("=1") == "'=1"


def hostile_regions(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every area name replaced by a formula, as untrusted names would arrive."""
    import mapkit.analysis.tables
    import mapkit.export.tidy

    real = mapkit.analysis.tables.ranking_table

    def poisoned(*args: object, **kwargs: object) -> pd.DataFrame:
        table = real(*args, **kwargs)
        return table.assign(name=["=cmd|' /C calc'!A0"] * len(table))

    monkeypatch.setattr(mapkit.analysis.tables, "ranking_table", poisoned)
    monkeypatch.setattr(mapkit.export.tidy, "ranking_table", poisoned)
    return "'=cmd|' /C calc'!A0"


def test_the_table_command_neutralises_names(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    shown = hostile_regions(monkeypatch)
    assert main(["table", "--level", "ward", "--indicator", "imd_score", "--region", COVENTRY]) == 0
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert (rows["area_name"] == shown).all() and (rows["value"].dtype.kind == "f")


def test_the_xlsx_export_writes_formula_names_as_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import openpyxl

    shown = hostile_regions(monkeypatch)
    out = tmp_path / "a.xlsx"
    assert main([*BASE, "--format", "xlsx", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["Data"]
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert names and all(cell.value == shown and cell.data_type == "s" for cell in names)
    assert all(isinstance(row[6].value, float) for row in sheet.iter_rows(min_row=2))


def test_the_csv_export_and_the_zip_neutralise_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shown = hostile_regions(monkeypatch)
    out = tmp_path / "a.csv"
    assert main([*BASE, "--format", "csv", "-o", str(out)]) == 0
    rows = pd.read_csv(out)
    assert (rows["area_name"] == shown).all()
    data = prepare(View(region=COVENTRY, level="ward", indicator="imd_score"))
    data = data.__class__(**{**data.__dict__, "region_name": "=HYPERLINK(\"http://evil\")"})
    from mapkit.export.pack import summary_text

    text = summary_text(data)
    assert not any(line.startswith(csvsafe.FORMULA_START) for line in text.splitlines()), text
    zipped = tmp_path / "a.zip"
    assert main([*BASE, "--format", "zip", "--dpi", "72", "-o", str(zipped)]) == 0
    archive = zipfile.ZipFile(zipped)
    csv_name = next(n for n in archive.namelist() if n.endswith(".csv"))
    assert (pd.read_csv(io.BytesIO(archive.read(csv_name)))["area_name"] == shown).all()


def test_text_lines_are_neutralised() -> None:
    assert csvsafe.safe_text("Title\n=1+1\n- x\n") == "Title\n'=1+1\n'- x\n"
    assert os.linesep  # the helper keeps the text's own line ends
