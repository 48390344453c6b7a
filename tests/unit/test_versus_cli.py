"""``python -m mapkit table --versus`` and ``export --versus``: one tidy row per area with both measures and its
cell, and bivariate exports from the command line."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mapkit.cli import main
from mapkit.data.products import indicator_table

CORE = ["area_code", "area_name", "area_level", "indicator_id", "indicator", "period", "value", "unit"]


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def england_districts() -> pd.DataFrame:
    code, text = _run("table", "--level", "lad", "--region", "E92000001", "--indicator", "imd_score", "--versus",
                      "gva_per_hour", "--change", "2013:2023")
    assert code == 0
    return pd.read_csv(io.StringIO(text))


def test_one_row_per_district_with_both_values_and_the_cell(england_districts: pd.DataFrame) -> None:
    table = england_districts
    assert list(table.columns[:8]) == CORE
    assert {"versus_value", "bivariate_class", "bivariate_cell", "versus_indicator_id"} <= set(table.columns)
    assert len(table) == 296 and table["area_code"].is_unique
    assert table["bivariate_class"].str.fullmatch(r"[123]-[123]").all()
    published = indicator_table("imd_score", "lad").set_index("code")["value"]
    assert table.set_index("area_code")["value"].to_dict() == pytest.approx(published.to_dict())


def test_classes_equal_an_independent_tertile_cut(england_districts: pd.DataFrame) -> None:
    table = england_districts
    x = pd.qcut(table["value"], 3, labels=False) + 1
    y = pd.qcut(table["versus_value"], 3, labels=False) + 1
    assert ((x.astype(str) + "-" + y.astype(str)) == table["bivariate_class"]).all()
    assert np.bincount(x)[1:].tolist() == [100, 97, 99]  # districts tied at a cut share its lower third


def test_sandwell_reads_as_in_the_issue() -> None:
    code, text = _run("table", "--level", "lad", "--region", "E47000007", "--indicator", "imd_score", "--versus",
                      "gva_per_hour", "--change", "2013:2023")
    row = pd.read_csv(io.StringIO(text)).set_index("area_name").loc["Sandwell"]
    assert row["bivariate_class"] == "3-2" and row["bivariate_cell"] == "more deprived, middling growth"
    assert row["versus_indicator"] == "Change in GVA per hour worked" and row["versus_unit"] == "% change"
    assert "centre" not in row["versus_period"]


@pytest.mark.parametrize("argv, message", [
    (["--versus", "gva_per_hour", "--level", "ward"], "not available at level 'ward'"),
    (["--versus-change", "2013:2023", "--level", "lad"], "add --versus"),
    (["--versus", "gva_per_hour", "--level", "lad", "--change", "1990:2023"], "not 1990"),
])
def test_bad_requests_get_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["table", "--region", "E47000007", "--indicator", "imd_score", *argv])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_export_versus_writes_a_bivariate_png(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    assert main(["export", "--region", "E47000007", "--level", "lad", "--indicator", "imd_score", "--versus",
                 "gva_per_hour", "--change", "2013:2023", "--format", "png", "--dpi", "72", "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
