"""IoD2025 district figures are MHCLG's File 10 as published; ward/CA summaries use MHCLG's definitions, and the
same code reproduces File 10 within the tolerances stated below (docs/iod_method.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import mapkit
from mapkit.pipeline.raw import DEFAULT_RAW
from mapkit.cli import main
from mapkit.specs.registry import registry

REGISTRY = registry()
ENGLAND = "E92000001"
FILE10 = DEFAULT_RAW / "iod2025" / "IoD2025_LAD24_summaries_File10v2_cleannames.csv"
needs_raw = pytest.mark.skipif(not FILE10.is_file(), reason="needs ../shared/data/raw (IoD2025 File 10)")
PUBLISHED = [s for s in REGISTRY.indicators.values() if s.method == "iod_published"]


def table(capsys: pytest.CaptureFixture[str], level: str, indicator: str) -> dict[str, dict[str, str]]:
    capsys.readouterr()
    assert main(["table", "--level", level, "--indicator", indicator, "--region", ENGLAND]) == 0
    rows = csv.DictReader(io.StringIO(capsys.readouterr().out))
    return {r["area_code"]: r for r in rows}


def test_cli_gives_blackpool_mhclg_average_rank_and_rank_1(capsys: pytest.CaptureFixture[str]) -> None:
    rows = table(capsys, "lad", "imd_average_rank")
    blackpool = rows["E06000009"]
    assert blackpool["area_name"] == "Blackpool" and float(blackpool["value"]) == 26536.86
    assert blackpool["rank_in_england"] == "1" and blackpool["areas_ranked_in_england"] == "296"


# Hartlepool (E06000001) in File 10 v2: (indicator, value as shown here, MHCLG's rank). Proportions x 100.
HARTLEPOOL = [
    ("imd_score", 37.58, 6), ("imd_most_deprived_10pct", 42.11, 3), ("imd_extent", 52.59, 8),
    ("imd_local_concentration", 33623.27, 3), ("income_average_rank", 22621.74, 32), ("income_score", 35.7, 18),
    ("income_scale", 33507.0, 127), ("employment_average_rank", 24808.87, 8), ("employment_score", 24.7, 2),
    ("employment_most_deprived_10pct", 49.12, 1), ("employment_scale", 14155.42, 119),
    ("education_score", 30.453, 46), ("health_average_rank", 27986.98, 5), ("crime_score", 0.638, 12),
    ("barriers_most_deprived_10pct", 0.0, 222), ("living_environment_average_rank", 12710.8, 224),
]


@pytest.mark.parametrize("indicator, value, rank", HARTLEPOOL)
def test_cli_district_cells_equal_file10(capsys: pytest.CaptureFixture[str], indicator: str, value: float,
                                         rank: int) -> None:
    row = table(capsys, "lad", indicator)["E06000001"]
    assert float(row["value"]) == pytest.approx(value, abs=1e-9) and int(row["rank_in_england"]) == rank


@pytest.mark.parametrize("indicator", ["income_scale", "employment_scale"])
@pytest.mark.parametrize("level", ["ward", "lad", "ca"])
def test_scales_exist_at_every_level_above_lsoa(indicator: str, level: str) -> None:
    frame = mapkit.indicator_table(indicator, level)
    assert frame["value"].notna().mean() > 0.99 and (frame["value"].dropna() >= 0).all()


def test_ca_scale_is_the_sum_of_its_wards_lsoas() -> None:
    wards = mapkit.indicator_table("income_scale", "ward").set_index("code")["value"]
    cas = mapkit.indicator_table("income_scale", "ca").set_index("code")["value"]
    wmca_wards = mapkit.load_boundaries("ward", "E47000007")["code"]
    assert cas["E47000007"] == pytest.approx(wards.reindex(wmca_wards).sum())


def test_ward_average_rank_reads_in_mhclg_direction() -> None:
    # Higher = more deprived: the ward ranked 1 has the highest average rank and the highest IMD score decile 1.
    frame = mapkit.indicator_table("imd_average_rank", "ward").dropna(subset=["value"])
    top = frame.sort_values("rank").iloc[0]
    assert top["value"] == frame["value"].max() and top["value"] > 30000


@needs_raw
@pytest.mark.parametrize("spec", PUBLISHED, ids=lambda s: s.id)
def test_every_shipped_district_value_and_rank_is_file10(spec) -> None:
    p = spec.params
    file10 = pd.read_csv(FILE10).set_index("ltla24_code")
    shipped = mapkit.indicator_table(spec.id, "lad").set_index("code")
    assert len(shipped) == 296 and set(shipped.index) == set(file10.index)
    expected = file10[p["file10_column"]] * float(p.get("file10_scale", 1))
    pd.testing.assert_series_equal(shipped["value"].sort_index(), expected.sort_index(), check_names=False,
                                   rtol=0, atol=1e-9)
    assert (shipped["rank"].sort_index().astype(int) == file10[p["file10_rank_column"]].sort_index()).all()


# Stated tolerances for the method proof (district summaries computed from LSOAs by the ward/CA code):
MAX_RANK_SHIFT = 8  # any measure; only City of London (6 LSOAs) moves more than 5, on Health
MAX_RANK_SHIFT_EMPLOYMENT_AVERAGE_RANK = 5
MAX_SHARE_DIFF = 0.00005  # the 10% share is a count: only File 10's 4-dp rounding differs


@pytest.fixture(scope="module")
def comparison() -> dict[str, dict]:
    from mapkit.pipeline.geography import build_spine
    from mapkit.pipeline.iod_check import district_comparison
    from mapkit.pipeline.methods import Context
    from mapkit.pipeline.raw import RawInputs

    raw = RawInputs(root=DEFAULT_RAW, registry=REGISTRY)
    rows = district_comparison(REGISTRY, Context(raw=raw, spine=build_spine(raw)))
    return {r["indicator"]: r for r in rows}


@needs_raw
def test_computed_district_summaries_reproduce_file10(comparison: dict[str, dict]) -> None:
    assert set(comparison) == {s.id for s in PUBLISHED}
    for ind, row in comparison.items():
        assert row["districts"] == 296
        assert row["max_rank_shift"] <= MAX_RANK_SHIFT, ind
        if ind.endswith("most_deprived_10pct"):
            assert row["max_abs_diff"] <= MAX_SHARE_DIFF and row["max_rank_shift"] == 0, ind
        if ind.endswith("average_rank"):
            assert row["median_abs_diff"] < 70, ind  # of a 1..33,755 scale
    assert comparison["employment_average_rank"]["max_rank_shift"] <= MAX_RANK_SHIFT_EMPLOYMENT_AVERAGE_RANK


def test_build_report_keeps_the_comparison() -> None:
    import json

    report = json.loads((Path(mapkit.__file__).parents[1] / "data" / "build_report.json").read_text())
    rows = {r["indicator"]: r for r in report["iod_district_check"]}
    assert rows["imd_average_rank"]["districts"] == 296 and rows["imd_average_rank"]["max_rank_shift"] <= 5
