"""The profile of a user's own area (mapkit.analysis.own_area), checked against sums computed here straight from the
shipped LSOA files."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from mapkit.analysis import own_area
from mapkit.analysis.zones import residents_in_zone
from mapkit.data import own_areas
from mapkit.data.overlays import load_overlay

DATA = Path(__file__).resolve().parents[3] / "data"
EBNS_ZONE = "growth-zone-east-birmingham-north-solihull-zone"
EAST_BIRMINGHAM = Polygon([(-1.84, 52.47), (-1.76, 52.46), (-1.74, 52.50), (-1.83, 52.51)])
needs_data = pytest.mark.skipif(not (DATA / "indicators" / "lsoa.parquet").exists(), reason="data/ not built")
pytestmark = needs_data


@pytest.fixture(scope="module")
def lsoa_files() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    return gpd.read_parquet(DATA / "boundaries" / "lsoa.parquet").to_crs(27700), pd.read_parquet(
        DATA / "indicators" / "lsoa.parquet")


@pytest.fixture(scope="module")
def drawn() -> own_area.OwnAreaProfile:
    return own_area.own_area_profile(own_areas.from_shape(EAST_BIRMINGHAM, name="East Birmingham"))


def _shares(boundaries: gpd.GeoDataFrame, polygon: Polygon) -> pd.Series:
    shape = gpd.GeoSeries([polygon], crs=4326).to_crs(27700).iloc[0]
    hit = boundaries[boundaries.intersects(shape)]
    return pd.Series(hit.intersection(shape).area.to_numpy() / hit.area.to_numpy(), index=hit["code"].to_numpy())


def _indicator(table: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return table[table["indicator"] == indicator].set_index("code")


def test_residents_and_deciles_equal_an_independent_sum(drawn, lsoa_files):
    boundaries, table = lsoa_files
    share = _shares(boundaries, EAST_BIRMINGHAM)
    share = share[share > 0]
    residents = _indicator(table, "population")["numerator"].reindex(share.index)
    assert drawn.population == pytest.approx(float((residents * share).sum()), rel=1e-9)
    decile = _indicator(table, "imd_score")["decile"].reindex(share.index)
    by_decile = (residents * share).groupby(decile).sum().reindex(range(1, 11), fill_value=0.0)
    assert drawn.imd_decile_population == pytest.approx(list(by_decile), rel=1e-9, abs=1e-6)
    whole = share[share >= 1 - 1e-9].index
    assert set(drawn.members.loc[drawn.members["how"] == "whole", "code"]) == set(whole)
    assert drawn.whole_population == pytest.approx(float(residents[whole].sum()))
    assert len(drawn.members) == len(share)
    assert drawn.deciles["england_share"].sum() == pytest.approx(1.0)
    assert drawn.ca_name == "West Midlands"


@pytest.mark.parametrize("indicator", ["imd_score", "income_score", "employment_score", "living_environment_score"])
def test_domain_scores_are_weighted_by_mhclgs_denominators_and_ranked_among_wards(drawn, lsoa_files, indicator):
    boundaries, table = lsoa_files
    share = _shares(boundaries, EAST_BIRMINGHAM)
    rows = _indicator(table, indicator).reindex(share.index)
    weight = share * rows["denominator"]
    expected = float((weight * rows["value"]).sum() / weight.sum())
    row = drawn.measures.set_index("indicator").loc[indicator]
    assert row["value"] == pytest.approx(expected, rel=1e-9)
    census = _indicator(table, "population")["numerator"].reindex(share.index)
    assert not np.allclose(rows["denominator"], census)  # the IoD weights, not Census residents
    wards = pd.read_parquet(DATA / "indicators" / "ward.parquet")
    values = wards.loc[wards["indicator"] == indicator, "value"].dropna()
    assert row["rank_wards"] == int((values > expected).sum()) + 1 and row["n_wards"] == len(values)


def test_census_rates_are_sums_of_counts(drawn, lsoa_files):
    boundaries, table = lsoa_files
    share = _shares(boundaries, EAST_BIRMINGHAM)
    rows = _indicator(table, "level4_qualifications").reindex(share.index)
    expected = 100 * float((share * rows["numerator"]).sum() / (share * rows["denominator"]).sum())
    row = drawn.measures.set_index("indicator").loc["level4_qualifications"]
    assert row["value"] == pytest.approx(expected, rel=1e-9)
    wards = pd.read_parquet(DATA / "indicators" / "ward.parquet")
    values = wards.loc[wards["indicator"] == "level4_qualifications", "value"].dropna()
    assert row["rank_wards"] == int((values < expected).sum()) + 1  # higher is better: the lowest ranks 1st


def test_a_list_of_lsoas_counts_each_whole(lsoa_files):
    _, table = lsoa_files
    codes = ["E01009000", "E01009001", "E01009002"]
    profile = own_area.own_area_profile(own_areas.from_codes(codes))
    residents = _indicator(table, "population")["numerator"]
    assert profile.population == float(residents[codes].sum())
    assert (profile.members["weight"] == 1).all() and (profile.members["how"] == "whole").all()
    imd = _indicator(table, "imd_score").loc[codes]
    expected = float((imd["value"] * imd["denominator"]).sum() / imd["denominator"].sum())
    assert profile.measures.set_index("indicator").loc["imd_score", "value"] == pytest.approx(expected)


def test_the_growth_zone_by_its_wards_and_by_its_outline_give_the_zones_residents():
    zones = load_overlay("growth_locations")
    zone = zones[zones["id"] == EBNS_ZONE].iloc[0]
    stated = residents_in_zone(zone.to_dict(), zone.geometry).total_population  # what the app says
    by_wards = own_area.own_area_profile(own_areas.from_codes(list(zone["ward_codes"])))
    # the same rule as the growth zones (the zone file's outline is its wards' union, rounded)
    assert by_wards.population == pytest.approx(stated, rel=1e-4)
    by_outline = own_area.own_area_profile(own_areas.from_shape(zone.geometry))
    assert by_outline.population == pytest.approx(stated, rel=0.02)
    assert by_wards.sentence().startswith("About 357,760 residents live in My area; 84% of them")
    assert set(by_wards.districts["lad_name"]) == {"Birmingham", "Solihull"}


def test_movement_since_iod2019_is_over_the_residents_compared(drawn, lsoa_files):
    _, table = lsoa_files
    members = drawn.members
    change = _indicator(table, "imd_change_decile")["value"].reindex(members["code"]).to_numpy()
    people = (members["population"] * members["weight"]).to_numpy()
    old = members["decile"].to_numpy() - change
    compared = ~np.isnan(change)
    m = drawn.movement.set_index("measure")["value"]
    assert m["residents_compared"] + m["residents_not_compared"] == pytest.approx(drawn.population)
    assert m["residents_most_deprived_10pct_2019"] == pytest.approx(
        100 * people[compared & (old <= 1)].sum() / people[compared].sum())
    net = _indicator(table, "imd_change_net_10pct")["value"].reindex(members["code"]).to_numpy()
    assert m["residents_moved_into_10pct"] == pytest.approx(people[net == 1].sum())


def test_districts_growth_and_overlays_inside(drawn):
    assert drawn.districts["lad_name"].iloc[0] == "Birmingham"
    assert drawn.districts["share"].sum() == pytest.approx(1.0)
    gva = drawn.growth[(drawn.growth["series"] == "gva_per_hour") & (drawn.growth["lad_code"] == "E08000025")]
    assert len(gva) == 1 and gva["end"].iloc[0] - gva["start"].iloc[0] == 10
    assert not drawn.growth["series"].eq("survival_5_year").any()  # one year published: no growth
    ebns = own_area.own_area_profile(own_areas.from_codes(list(
        load_overlay("growth_locations").set_index("id").loc[EBNS_ZONE, "ward_codes"])))
    assert EBNS_ZONE in set(ebns.overlays["id"])


def test_json_and_tidy_table(drawn):
    data = drawn.to_dict()
    assert data["population"] == drawn.population and len(data["imd_decile_population"]) == 10
    assert data["imd_decile_population"][0] == drawn.deciles["population"].iloc[0]
    assert any("Census 2021" in s for s in data["sources"]) and any("Indices of Deprivation 2025" in s
                                                                     for s in data["sources"])
    tidy = drawn.tidy()
    assert list(tidy.columns[:8]) == ["area_code", "area_name", "area_level", "indicator_id", "indicator", "period",
                                      "value", "unit"]
    assert (tidy["area_level"] == "own").all() and tidy["area_code"].iloc[0] == drawn.area.code
    assert tidy.set_index("indicator_id").loc["population", "value"] == pytest.approx(drawn.population)


def test_a_drawing_over_all_of_england_counts_everyone():
    profile = own_area.own_area_profile(own_areas.from_shape(box(-6.5, 49.8, 2.0, 55.9)))
    residents = pd.read_parquet(DATA / "indicators" / "lsoa.parquet").query("indicator == 'population'")
    assert profile.population == pytest.approx(residents["numerator"].sum())
    assert (profile.members["how"] == "whole").all() and profile.ca_code is not None
    assert "more than one combined authority" in " ".join(profile.notes)


def test_an_area_with_no_lsoa_says_so():
    sea = own_areas.from_shape(box(-5.9, 49.95, -5.85, 49.99))  # off Lizard Point
    profile = own_area.own_area_profile(sea)
    assert profile.population == 0 and profile.most_deprived_share is None
    assert "No residents found" in profile.sentence() and "England only" in " ".join(profile.notes)


def test_an_own_area_joins_a_comparison_with_its_own_figures(drawn):
    from mapkit.analysis.compare import compare

    result = own_area.with_own_area(compare(["E05011120", "E05001219"], "ward", "Deprivation (IoD2025)"), drawn)
    rows = result.table[result.table["kind"] == own_area.OWN_KIND].set_index("indicator")
    assert rows.at["imd_score", "value"] == drawn.measures.set_index("indicator").at["imd_score", "value"]
    assert rows.at["imd_score", "rank_england"] == drawn.measures.set_index("indicator").at["imd_score", "rank_wards"]
    assert pd.isna(rows.at["imd_average_rank", "value"]) and "Not computed" in rows.at["imd_average_rank", "note"]
    imd = result.rows("imd_score")
    assert list(imd["kind"][:3]) == ["area", "area", own_area.OWN_KIND]  # under the compared areas
    districts = own_area.with_own_area(compare(["E08000025"], "lad", "Deprivation (IoD2025)"), drawn)
    row = districts.table[districts.table["kind"] == own_area.OWN_KIND].set_index("indicator").loc["imd_score"]
    assert row["n_england"] == 296  # ranked among districts in a comparison of districts
