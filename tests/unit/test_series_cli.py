"""``python -m mapkit table --year/--change/--years`` and ``python -m mapkit series`` on the shipped data."""

from __future__ import annotations

import csv
import io

import pytest

from mapkit.cli import main

WMCA = "E47000007"
TABLE = ["table", "--level", "lad", "--region", WMCA, "--indicator", "gva_per_hour"]


def _rows(text: str) -> list[dict[str, str]]:
    assert not text.startswith("#")  # tidy tables carry no comment lines: their metadata is beside them
    return list(csv.DictReader(io.StringIO(text)))


def _run(capsys, args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_series_prints_the_areas_series_as_a_tidy_table(capsys):
    code, out, _ = _run(capsys, ["series", "--indicator", "gva_per_hour", "--region", WMCA])
    assert code == 0
    rows = {int(r["year"]): r for r in _rows(out)}
    assert sorted(rows) == list(range(2004, 2024))
    row = rows[2013]
    assert (row["area_code"], row["area_level"], row["indicator_id"], row["unit"]) == (
        WMCA, "ca", "gva_per_hour", "£ per hour")
    assert row["source"].startswith("Office for National Statistics")
    # ONS writes combined authorities' GVA unrounded (27.379898071289062); the table gives the districts' 2 places
    assert row["value"] == "27.38"


def test_table_for_a_year(capsys):
    code, out, _ = _run(capsys, [*TABLE, "--year", "2019"])
    assert code == 0
    rows = {r["area_name"]: r for r in _rows(out)}
    assert len(rows) == 7
    assert float(rows["Solihull"]["value"]) == pytest.approx(42.41)
    assert rows["Solihull"]["period"] == "2019-01-01/P1Y" and rows["Solihull"]["year"] == "2019"


def test_table_for_a_change_lists_the_fastest_first(capsys):
    code, out, _ = _run(capsys, [*TABLE, "--change", "2013:2023"])
    assert code == 0
    rows = _rows(out)
    assert [r["area_name"] for r in rows][:1] == ["Wolverhampton"] and rows[-1]["area_name"] == "Solihull"
    wolves = rows[0]
    assert wolves["unit"] == "% change"
    assert float(wolves["value"]) == pytest.approx(round(100 * (35.29 / 22.83 - 1), 2))
    assert float(wolves["abs_change"]) == pytest.approx(35.29 - 22.83)
    assert float(wolves["england_change"]) == pytest.approx(round(100 * (42.39 / 31.79 - 1), 2))


def test_table_with_years_has_one_row_per_area_and_year(capsys):
    code, out, _ = _run(capsys, [*TABLE, "--years"])
    rows = _rows(out)
    assert code == 0 and len(rows) == 7 * 20
    assert {(r["area_name"], r["year"]) for r in rows} >= {("Birmingham", "2004"), ("Walsall", "2023")}


@pytest.mark.parametrize(("extra", "message"), [
    (["--year", "1990"], "ONS publishes 2004 to 2023, not 1990"),
    (["--change", "2023:2013"], "start year must come before"),
    (["--change", "=cmd|' /C calc'!A0"], "not of the form START:END"),
])
def test_bad_years_say_the_fix(capsys, extra, message):
    code, out, err = _run(capsys, [*TABLE, *extra])
    assert code == 2 and out == "" and message in err


def test_series_of_an_indicator_without_one_says_which_have_one(capsys):
    code, _, err = _run(capsys, ["series", "--indicator", "imd_score", "--region", WMCA])
    assert code == 2 and "has no ONS time series" in err and "gva_per_hour" in err


def test_export_draws_a_change_map_with_its_period(tmp_path, capsys):
    out = tmp_path / "gva.svg"
    assert main(["export", "--region", "E47000007", "--level", "lad", "--indicator", "gva_per_hour",
                 "--change", "2013:2023", "--centre", "england", "--format", "svg", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Change in GVA per hour worked, 2013 to 2023 by district" in text
    assert "Middle colour = England's change, +" in text  # the legend wraps after the sign


@pytest.mark.parametrize(("extra", "message"), [
    (["--year", "1990"], "ONS publishes 2004 to 2023, not 1990"),
    (["--change", "2023"], "is not of the form START:END"),
])
def test_export_refuses_years_the_series_lacks(tmp_path, capsys, extra, message):
    out = tmp_path / "gva.png"
    assert main(["export", "--region", "E47000007", "--level", "lad", "--indicator", "gva_per_hour", *extra,
                 "--format", "png", "-o", str(out)]) == 2
    assert message in capsys.readouterr().err and not out.exists()
