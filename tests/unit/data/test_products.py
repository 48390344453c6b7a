"""The shipped products in data/: complete England coverage, parents joined, topology kept, sources recorded."""

import json

import numpy as np
import pytest
import shapely

import mapkit
from mapkit.data.products import DATA_DIR

REGISTRY = mapkit.registry()
WMCA = "E47000007"


@pytest.fixture(scope="module", params=list(REGISTRY.boundaries))
def level_frame(request):
    return request.param, mapkit.load_boundaries(request.param)


def test_every_english_area_is_present_once(level_frame):
    level, frame = level_frame
    spec = REGISTRY.boundary(level)
    assert len(frame) == spec.expected_count
    assert frame["code"].is_unique and frame["code"].str.startswith("E").all()
    assert frame.crs.to_epsg() == 4326


def test_geometry_is_valid_non_empty_and_in_england(level_frame):
    _, frame = level_frame
    geoms = frame.geometry.values
    assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any()
    minx, miny, maxx, maxy = frame.total_bounds
    assert -6.5 < minx and maxx < 1.8 and 49.8 < miny and maxy < 55.9


@pytest.mark.parametrize("level", ["ca", "lad", "ward"])
def test_generalised_polygons_still_form_a_coverage(level):
    """Neighbours share edges exactly: no gaps or overlaps introduced by simplification."""
    frame = mapkit.load_boundaries(level)
    assert shapely.coverage_is_valid(frame.geometry.values)


def test_lsoa_overlaps_are_negligible():
    """The ONS LSOA BSC layer has a handful of sliver overlaps of its own; simplification adds none visible."""
    frame = mapkit.load_boundaries("lsoa", "E08000025").to_crs(27700)
    total = frame.area.sum()
    union = shapely.union_all(frame.geometry.values).area
    assert abs(total - union) / union < 1e-4


@pytest.mark.parametrize("level, columns", [
    ("ward", ["lad_code", "lad_name", "rgn_code", "rgn_name"]),
    ("lad", ["rgn_code", "rgn_name"]),
    ("lsoa", ["ward_code", "ward_name", "lad_code", "lad_name", "rgn_code"]),
])
def test_parent_codes_and_names_are_complete(level, columns):
    frame = mapkit.load_boundaries(level)
    assert frame[columns].notna().all().all()


def test_combined_authority_membership():
    lad = mapkit.load_boundaries("lad")
    assert lad["ca_code"].notna().sum() == 106
    assert sorted(lad.loc[lad["ca_code"] == WMCA, "name"]) == [
        "Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"]
    assert len(mapkit.load_boundaries("ward", WMCA)) == 192
    assert len(mapkit.load_boundaries("lsoa", WMCA)) == 1719
    assert len(mapkit.load_boundaries("ward", "E08000025")) == 69  # Birmingham


def test_small_wards_survive_generalisation():
    ward = mapkit.load_boundaries("ward").to_crs(27700)
    assert ward.area.min() > 10_000  # every ward keeps a real polygon (> 1 ha)


def test_build_report_records_joins_and_sources():
    report = json.loads((DATA_DIR / "build_report.json").read_text(encoding="utf-8"))
    assert report["boundaries"]["ward"]["features"] == 6817
    assert len(report["joins"]["wards_without_lsoa"]) == 33
    assert report["joins"]["lsoa_to_ward_lookup"].startswith("33755/33755")
    for used in report["sources"].values():
        assert len(used["sha256"]) == 64 and used["url"].startswith("https://")
    assert report["indicators"]["coverage"]["imd_score"]["ward"] == "6784/6817"
    assert set(report["unmatched_codes"]["lad"]["gigabit_coverage"]) >= {
        "E06000063", "E06000064", "E06000065", "E06000066"}  # ninth release: 2022 districts
    assert "gva_per_hour" not in report["unmatched_codes"]["lad"]  # ONS ELS file: current codes, all districts


def test_attribution_names_every_source_and_the_population_weights():
    text = (DATA_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for source in REGISTRY.sources.values():
        assert source.attribution in text
    assert "District figures are MHCLG's own" in text and "working-age population" in text
    assert "Contains OS data © Crown copyright and database right" in text


def test_shipped_data_stays_small():
    total = sum(p.stat().st_size for p in DATA_DIR.rglob("*") if p.is_file() and ".cache" not in p.parts)
    assert total < 60 * 1024 * 1024


def test_lsoa_scores_are_the_published_ones():
    lsoa = mapkit.indicator_table("imd_score", "lsoa").set_index("code")
    # File 7 row E01000001 (City of London 001A), as published by MHCLG.
    row = lsoa.loc["E01000001"]
    assert row["decile"] == 8 and row["n_ranked"] == 33755
    assert lsoa["rank"].min() == 1 and lsoa["rank"].max() == 33755 and lsoa["rank"].is_unique
    assert (lsoa["decile"] == 1).sum() == pytest.approx(3376, abs=1)


def test_wmca_share_in_most_deprived_10pct_counts_lsoas():
    lsoa = mapkit.load_indicator("imd_score", "lsoa", WMCA)
    ca = mapkit.indicator_table("imd_most_deprived_10pct", "ca").set_index("code").loc[WMCA]
    assert ca["numerator"] == (lsoa["decile"] == 1).sum() and ca["denominator"] == 1719
    assert ca["value"] == pytest.approx(100 * (lsoa["decile"] == 1).sum() / 1719)  # percentage


def test_ca_average_equals_weighted_mean_of_its_lsoas():
    lsoa = mapkit.load_indicator("imd_score", "lsoa", WMCA)
    expected = np.average(lsoa["value"], weights=lsoa["denominator"])
    got = mapkit.indicator_table("imd_score", "ca").set_index("code").loc[WMCA, "value"]
    assert got == pytest.approx(expected)


def test_district_average_score_is_mhclg_file10_not_recomputed():
    # Birmingham in File 10: IMD average score 38.115, rank 5 (the weighted mean of our LSOA weights is 38.118).
    row = mapkit.indicator_table("imd_score", "lad").set_index("code").loc["E08000025"]
    assert row["value"] == 38.115 or row["value"] == pytest.approx(38.115)


def test_census_counts_sum_exactly_to_england():
    pop = mapkit.indicator_table("population", "lad")
    assert pop["value"].sum() == 56_490_284  # TS001 England total (sum of Output Areas)
    ca_pop = mapkit.indicator_table("population", "ca").set_index("code")["value"]
    lad = mapkit.load_indicator("population", "lad", WMCA)
    assert ca_pop[WMCA] == lad["value"].sum()


def test_districts_with_changed_codes_are_no_data_with_reason():
    """Indicators only in the ninth-release workbook (2022 districts) keep the four 2023 councils as no data."""
    rows = mapkit.indicator_table("gigabit_coverage", "lad").set_index("code")
    assert rows.loc["E06000065", "note"].startswith("No data: North Yorkshire was created in April 2023")
    assert np.isnan(rows.loc["E06000065", "value"])


def test_growth_figures_for_the_2023_councils_come_from_the_ons_files():
    """The ONS Explore Local Statistics files use current codes: the four councils have ONS's own figures."""
    gdhi = mapkit.indicator_table("gdhi_per_head", "lad").set_index("code")
    assert gdhi.loc["E06000065", "value"] == 26697 and gdhi.loc["E06000065", "note"] == ""  # North Yorkshire 2023
    pay = mapkit.indicator_table("median_weekly_pay", "lad").set_index("code")
    assert pay.loc["E06000065", "value"] == pytest.approx(604.8)  # April 2025, provisional
    gva = mapkit.indicator_table("gva_per_hour", "lad").set_index("code")
    assert gva.loc[["E06000063", "E06000064", "E06000065", "E06000066"], "value"].tolist() == pytest.approx(
        [32.07, 41.41, 36.36, 34.53])


def test_rates_are_not_averaged_to_combined_authorities():
    with pytest.raises(mapkit.UnknownNameError, match="cannot be aggregated"):
        mapkit.indicator_table("gigabit_coverage", "ca")
    with pytest.raises(mapkit.UnknownNameError, match="not averaged"):
        mapkit.indicator_table("business_births", "ca")
    ca = mapkit.indicator_table("employment_rate_16_64", "ca").set_index("code")
    assert ca.loc[WMCA, "value"] == pytest.approx(70.5)  # ONS's own West Midlands row, 2023
    gva = mapkit.indicator_table("gva_per_hour", "ca").set_index("code")
    assert gva.loc[WMCA, "value"] == pytest.approx(35.724143981933594)
    assert np.isnan(gva.loc["E47000015", "value"])  # Devon and Torbay: no row in the ONS file
    assert "ONS publishes no figure for this combined authority" in gva.loc["E47000015", "note"]


def test_business_rates_replace_counts_with_the_active_enterprises_alongside():
    births = mapkit.indicator_table("business_births", "lad").set_index("code")
    birmingham = births.loc["E08000025"]
    assert birmingham["value"] == pytest.approx(15.055008685581933)  # births as % of active enterprises, 2024
    assert birmingham["denominator"] == 43175 and "43,175 active enterprises in 2024" in birmingham["note"]
    assert births["value"].between(0, 100).all() and births["value"].max() > 1
    high = mapkit.indicator_table("high_growth_enterprises", "lad").set_index("code")
    assert high.loc["E08000025", "value"] == pytest.approx(4.171494785631518)
    assert np.isnan(high.loc["E08000025", "denominator"])  # its base (10+ employees) is not published here


def test_suppressed_ons_cells_stay_missing_with_the_reason():
    rows = mapkit.indicator_table("unemployment_rate", "lad").set_index("code")
    assert np.isnan(rows.loc["E09000001", "value"])
    assert rows.loc["E09000001", "note"] == ("No data: ONS publishes no estimate for this area "
                                             "(status x: not available).")


@pytest.mark.parametrize("level", ["ca", "lad", "ward", "lsoa"])
def test_an_indicators_rows_and_an_areas_rows_are_the_ones_a_filter_gives(level):
    """indicator_table and area_indicators take the rows by an index made once (products._rows_of): the same rows,
    in the same order with the same labels, as comparing every row."""
    import pandas as pd

    table = mapkit.level_table(level)
    for indicator in ("imd_score", "population"):
        pd.testing.assert_frame_equal(mapkit.indicator_table(indicator, level), table[table["indicator"] == indicator])
    for code in (table["code"].iloc[0], table["code"].iloc[len(table) // 2], "E00000000"):
        pd.testing.assert_frame_equal(mapkit.data.products.area_indicators(code, level), table[table["code"] == code])
