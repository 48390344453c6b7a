"""Tidy tables (mapkit.export.tidy, tidy_files): every table the command line writes loads with pandas' defaults and
starts with the same core columns; the XLSX has an About sheet; the CSVW metadata validates with the csvw library;
values carry the publisher's decimal places."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from csvw import CSVW

from mapkit.analysis.compare import compare
from mapkit.cli import main
from mapkit.data.products import level_table, load_series
from mapkit.export import tidy, tidy_files
from mapkit.export.tidy import CORE, COLUMNS, TidyTable, decimals, rounded
from mapkit.specs.registry import registry

WMCA, SANDWELL, BIRMINGHAM, MANCHESTER = "E47000007", "E08000028", "E08000025", "E08000003"
GVA = ["--level", "lad", "--indicator", "gva_per_hour", "--region", WMCA]
COMMANDS = {
    "table": ["table", "--level", "ward", "--indicator", "imd_score", "--region", WMCA],
    "table --year": ["table", *GVA, "--year", "2019"],
    "table --change": ["table", *GVA, "--change", "2013:2023"],
    "table --years": ["table", *GVA, "--years"],
    "series": ["series", "--indicator", "gva_per_hour", "--region", WMCA],
    "compare": ["compare", "--level", "lad", "--areas", BIRMINGHAM, MANCHESTER],
    "similar": ["similar", "--level", "lad", "--area", SANDWELL],
}


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    capsys.readouterr()
    assert main(args) == 0
    return capsys.readouterr().out


def places(value: float) -> int:
    """Decimal places of a number as written."""
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.partition(".")[2])


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_cli_csv_loads_with_pandas_defaults_and_has_the_core_columns(capsys, command):
    text = run(capsys, COMMANDS[command])
    table = pd.read_csv(io.StringIO(text))
    assert list(table.columns[:len(CORE)]) == list(CORE)
    assert set(table.columns) <= set(COLUMNS) and not text.startswith("#")
    assert len(table) > 0 and table["area_code"].str.match(r"^E\d{8}$").all()
    assert table["value"].dtype.kind == "f" or table["value"].dtype.kind == "i"
    assert table["source"].str.len().gt(0).all()


def test_pack_csvs_are_tidy_with_metadata_beside_them(tmp_path):
    out = tmp_path / "set.zip"
    assert main(["export", "--region", WMCA, "--level", "ward", "--indicator", "bad_health", "--overlays",
                 "growth", "--dpi", "72", "--format", "zip", "-o", str(out)]) == 0
    archive = zipfile.ZipFile(out)
    csvs = [n for n in archive.namelist() if n.endswith(".csv")]
    assert len(csvs) == 3  # the map's table, the schemes and their scorecards
    for name in csvs:
        table = pd.read_csv(io.BytesIO(archive.read(name)))
        if name.endswith("_scorecards.csv"):  # mapkit.export.scorecards: the scheme's columns, then the core ones
            assert set(CORE) <= set(table.columns)
            continue
        assert list(table.columns[:len(CORE)]) == list(CORE), name
        meta = json.loads(archive.read(name + tidy_files.METADATA_SUFFIX))
        assert [c["titles"] for c in meta["tableSchema"]["columns"]] == list(table.columns)
        archive.extract(name, tmp_path)
        archive.extract(name + tidy_files.METADATA_SUFFIX, tmp_path)
        assert CSVW(str(tmp_path / (name + tidy_files.METADATA_SUFFIX)), validate=True).is_valid


@pytest.mark.parametrize("table", [
    lambda: tidy.indicator_table("imd_score", "ward", WMCA),
    lambda: tidy.indicator_table("bad_health", "lsoa", SANDWELL),
    lambda: tidy.series_change_table("employment_rate_16_64", "lad", WMCA, 2015, 2023),
    lambda: tidy.area_series_table("median_weekly_pay", "E92000001"),
    lambda: tidy.comparison_table(compare((BIRMINGHAM, MANCHESTER), "lad")),
    lambda: tidy.similar_table(SANDWELL, "lad"),
], ids=["indicator", "lsoa", "change", "england series", "compare", "similar"])
def test_csvw_metadata_validates_and_describes_every_column(tmp_path, table):
    table = table()
    files = tidy_files.table_files(table, "csvw", "t")
    for name, payload in files.items():
        (tmp_path / name).write_bytes(payload)
    meta = json.loads(files["t.csv-metadata.json"])
    assert meta["url"] == "t.csv" and meta["dc:title"] == table.title
    assert "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in [
        lic["@id"] for lic in meta["dc:license"]]
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(table.frame.columns)
    assert all(c["dc:description"] for c in meta["tableSchema"]["columns"])
    assert CSVW(str(tmp_path / "t.csv-metadata.json"), validate=True).is_valid


def test_csvw_validation_catches_a_value_that_is_not_a_number(tmp_path):
    files = tidy_files.table_files(tidy.indicator_table("imd_score", "lad", WMCA), "csvw", "t")
    (tmp_path / "t.csv-metadata.json").write_bytes(files["t.csv-metadata.json"])
    (tmp_path / "t.csv").write_text(files["t.csv"].decode().replace(",38.115,", ",n/a,"), encoding="utf-8")
    assert not CSVW(str(tmp_path / "t.csv-metadata.json"), validate=True).is_valid


def test_xlsx_has_the_data_and_an_about_sheet_with_sources_method_and_caveats():
    table = tidy.series_year_table("gdp_per_head", "lad", WMCA, 2022)
    book = openpyxl.load_workbook(io.BytesIO(tidy_files.to_xlsx(table)))
    assert book.sheetnames == ["Data", "About"]
    rows = list(book["Data"].iter_rows(values_only=True))
    assert list(rows[0][:len(CORE)]) == list(CORE) and len(rows) == 8
    assert all(isinstance(r[6], (int, float)) for r in rows[1:])
    about = list(book["About"].iter_rows(values_only=True))
    headings = [h for h, _ in about]
    assert headings[:2] == ["Title", "Description"] and "Source" in headings and "Caveat" in headings
    text = "\n".join(t for _, t in about)
    assert "Open Government Licence v3.0" in text and "ONS release 2025-04-17" in text
    # ONS's caveats travel with the series, their Markdown links written out
    assert "2023 data are provisional." in text and "data source (https://www.ons.gov.uk/" in text


def test_cli_writes_xlsx_and_csvw_files_and_refuses_them_on_standard_output(tmp_path, capsys):
    assert main([*COMMANDS["table"], "--format", "xlsx", "-o", str(tmp_path / "wards.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "wards.xlsx").sheetnames == ["Data", "About"]
    assert main([*COMMANDS["series"], "--format", "csvw", "-o", str(tmp_path / "gva.csv")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gva.csv", "gva.csv-metadata.json", "wards.xlsx"]
    assert CSVW(str(tmp_path / "gva.csv-metadata.json"), validate=True).is_valid
    capsys.readouterr()
    assert main([*COMMANDS["table"], "--format", "xlsx"]) == 2
    assert "--format xlsx writes files: give one with -o" in capsys.readouterr().err


def test_a_frame_outside_the_schema_is_refused():
    frame = pd.DataFrame({"code": ["E1"], "value": [1.0]})
    with pytest.raises(ValueError, match="Not a tidy frame"):
        TidyTable(name="x", title="x", description="x", frame=frame, sources=())


# --- decimals -----------------------------------------------------------------------------------------------


def test_combined_authority_gva_is_written_with_the_districts_places_not_float_noise():
    """Audit: CA GVA per hour printed as 26.136302947998047 beside 2-decimal districts."""
    raw = load_series("gva_per_hour", "ca", ["E47000018"]).set_index("year")["value"]
    assert raw[2013] == pytest.approx(26.136302947998047)
    table = tidy.series_change_table("gva_per_hour", "ca", "E92000001", 2013, 2023).frame.set_index("area_code")
    assert table.at["E47000018", "start_value"] == 26.14 and table.at["E47000018", "end_value"] == 37.25
    years = tidy.series_years_table("gva_per_hour", "lad", WMCA).frame
    assert years["value"].dropna().map(places).max() == 2  # districts as ONS writes them: 37.12, not 37.1


def test_ons_rates_written_unrounded_take_ons_decimal_places():
    births = tidy.indicator_table("business_births", "lad").frame["value"].dropna()
    assert births.map(places).max() == registry().series["business_births"].decimal_places == 1


@pytest.mark.parametrize("indicator", list(registry().indicators))
def test_every_indicator_has_its_publishers_decimal_places(indicator):
    spec = registry().indicator(indicator)
    assert (spec.decimals is None) == bool(spec.series), "declare decimals, or name a series"
    assert decimals(indicator) is not None


@pytest.mark.parametrize("level", ["lsoa", "lad"])
def test_rounding_leaves_published_figures_unchanged(level):
    """The declared places are the publisher's: File 10 and LSOA cells are written exactly as MHCLG gives them."""
    rows = level_table(level)
    published = [i for i, s in registry().indicators.items()
                 if s.method == "iod_published" and level in s.levels and (level == "lsoa" or "file10_column"
                                                                              in s.params)]
    assert len(published) > 5
    for indicator in published:
        values = rows.loc[rows["indicator"] == indicator, "value"].dropna().reset_index(drop=True)
        assert (rounded(values, decimals(indicator)) - values).abs().max() < 1e-9, indicator


def test_computed_ward_figures_read_like_the_published_district_ones():
    wards = tidy.indicator_table("imd_score", "ward", WMCA).frame
    assert wards["value"].map(places).max() == 3
    census = tidy.indicator_table("bad_health", "ward", WMCA).frame
    assert census["value"].map(places).max() == 1
    assert (census["numerator"].dropna() % 1 == 0).all()


def test_rounding_is_half_away_from_zero():
    assert list(rounded([1.235, -1.235, 2.5, 0.125], 2)) == [1.24, -1.24, 2.5, 0.13]
    assert list(rounded([2.5, -0.5], 0)) == [3.0, -1.0]
    assert rounded([1.23456], None).iloc[0] == 1.23456


def test_the_readme_documents_the_schema_version_and_every_column():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert f"schema {tidy.SCHEMA_VERSION}" in readme
    for name in COLUMNS:
        assert f"`{name}`" in readme, name
