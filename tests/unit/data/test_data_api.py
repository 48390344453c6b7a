"""The public data API and the command line, on the shipped products."""

import csv
import io
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import mapkit
from mapkit.cli import main
from mapkit.data.products import DATA_DIR
from mapkit.export.tidy import CORE

WMCA = "E47000007"


def test_regions_lists_england_cas_and_districts():
    table = mapkit.regions()
    assert table["kind"].value_counts().to_dict() == {"lad": 296, "ca": 15, "england": 1}
    birmingham = table.set_index("code").loc["E08000025"]
    assert birmingham["name"] == "Birmingham" and birmingham["group"] == "Districts: West Midlands"
    assert mapkit.region_name(WMCA) == "West Midlands"


@pytest.mark.parametrize("level, region, n", [("ca", WMCA, 1), ("lad", WMCA, 7), ("ward", WMCA, 192),
                                              ("lsoa", "E08000025", 659), ("ca", "E08000025", 1),
                                              ("lad", "E07000177", 1), ("ca", "E07000177", 0)])
def test_region_filters(level, region, n):
    assert len(mapkit.load_boundaries(level, region)) == n


def test_load_indicator_joins_values_ready_to_classify():
    frame = mapkit.load_indicator("imd_score", "ward", WMCA)
    assert len(frame) == 192 and frame.crs.to_epsg() == 4326
    assert {"value", "rank", "decile", "n_ranked", "note", "name", "lad_name"} <= set(frame.columns)
    assert frame["value"].notna().all()
    assert frame["decile"].between(1, 10).all()


@pytest.mark.parametrize("call, message", [
    (lambda: mapkit.load_indicator("nope", "ward"), "Unknown indicator 'nope'"),
    (lambda: mapkit.load_boundaries("msoa"), "Unknown level 'msoa'"),
    (lambda: mapkit.load_boundaries("ward", "E99999999"), "Unknown region 'E99999999'"),
    (lambda: mapkit.load_indicator("gva_per_hour", "ward"), "not available at ward level: Published for districts"),
])
def test_bad_names_are_explained(call, message):
    with pytest.raises(mapkit.UnknownNameError, match=message):
        call()


@pytest.fixture
def damaged_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns(".cache"))
    return target


def test_missing_product_names_the_file_and_the_rebuild_command(damaged_data):
    (damaged_data / "boundaries" / "ward.parquet").unlink()
    with pytest.raises(mapkit.ProductError, match=r"ward.parquet is missing. The data folder is .*: rebuild it with "
                                                  r"`python -m mapkit build-data --out "):
        mapkit.load_boundaries("ward", data_dir=damaged_data)


def test_corrupt_product_names_the_file_and_the_rebuild_command(damaged_data):
    (damaged_data / "indicators" / "lad.parquet").write_bytes(b"PAR1 not really parquet")
    with pytest.raises(mapkit.ProductError, match=r"lad.parquet is damaged .*build-data --out .*data\`"):
        mapkit.load_indicator("imd_score", "lad", data_dir=damaged_data)


def _run(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_table_prints_the_tidy_core_columns_first(capsys):
    code, out, _ = _run(["table", "--level", "ward", "--indicator", "imd_score", "--region", WMCA], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:8] == list(CORE) and len(rows) == 192
    expected = mapkit.load_indicator("imd_score", "ward", WMCA).set_index("code")["value"]
    for row in rows:  # written with File 10's 3 places
        assert float(row["value"]) == pytest.approx(expected[row["area_code"]], abs=0.0005)
        assert (row["unit"], row["indicator"], row["area_level"]) == ("score", "IMD score", "ward")
    assert rows[0]["rank_in_region"] == "1"
    assert "English Indices of Deprivation 2025" in rows[0]["source"]


def test_cli_indicators_lists_ids_and_levels(capsys):
    code, out, _ = _run(["indicators"], capsys)
    table = pd.read_csv(io.StringIO(out)).set_index("id")
    assert code == 0 and table.loc["imd_score", "levels"] == "lsoa ward lad ca"
    assert table.loc["gva_per_hour", "levels"] == "lad ca"
    assert table.loc["bad_health", "unit"] == "% of people"


@pytest.mark.parametrize("args, message", [
    (["table", "--level", "ward", "--indicator", "nope"], "error: Unknown indicator 'nope'"),
    (["table", "--level", "lsoa", "--indicator", "gva_per_hour"], "error: GVA per hour worked is not available"),
    (["table", "--level", "ward", "--indicator", "imd_score", "--region", "<b>x</b>"], "error: Unknown region"),
])
def test_cli_errors_exit_non_zero_with_a_message(capsys, args, message):
    code, out, err = _run(args, capsys)
    assert code == 2 and out == "" and err.startswith(message)


def test_cli_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "mapkit", "table", "--level", "ca", "--indicator",
                           "imd_most_deprived_10pct"], capture_output=True, text=True, check=True)
    header = next(csv.reader(io.StringIO(proc.stdout)))
    assert header[:8] == list(CORE)
    assert len(proc.stdout.splitlines()) == 16
