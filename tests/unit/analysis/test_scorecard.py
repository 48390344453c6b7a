"""Scorecards: who lives in or near a scheme, how their neighbourhoods moved, growth where it sits.

Two kinds of check:

- a hand-worked fixture (three 2 km x 2 km LSOAs side by side in British National Grid metres, as in
  test_nearby.py) for how residents are counted and how movement shares are formed;
- the shipped data, recomputed independently: residents and movement from ``data/indicators/lsoa.parquet`` and
  ``data/boundaries/lsoa.parquet`` read with pandas and shapely (not through mapkit), growth from the ONS cells in
  ``data/series/*.parquet``.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from mapkit.analysis import scorecard as sc
from mapkit.errors import ParameterError, UnknownNameError

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
WMCA = "E47000007"
LSOA_AREA = 2000.0 * 2000.0
HALF_DISC_500 = math.pi * 500.0**2 / 2
BIRMINGHAM, SANDWELL = "E08000025", "E08000028"


def _features(rows: list[dict], geometries: list) -> gpd.GeoDataFrame:
    base = {"name": "", "subtype": "rail_station", "status": "open", "status_category": "open", "status_date": "",
            "ca_code": WMCA, "line_id": "", "zone": None, "schematic": False}
    return gpd.GeoDataFrame([{**base, **row} for row in rows], geometry=geometries, crs="EPSG:27700")


@pytest.fixture
def lsoas() -> gpd.GeoDataFrame:
    """A: 4,000 residents, decile 1, moved into the most deprived 10% (and was already in the 20%);
    B: 2,000, decile 5, moved out of the most deprived 20%; C: 1,000, decile 10, cannot be compared."""
    return gpd.GeoDataFrame(
        {"code": ["A", "B", "C"], "ward_code": ["WA", "WB", "WC"], "lad_code": [BIRMINGHAM, SANDWELL, SANDWELL],
         "ca_code": [WMCA] * 3, "decile": [1, 5, 10], "population": [4000.0, 2000.0, 1000.0],
         "net_10": [1.0, 0.0, np.nan], "net_20": [0.0, -1.0, np.nan]},
        geometry=[box(0, 0, 2000, 2000), box(2000, 0, 4000, 2000), box(4000, 0, 6000, 2000)], crs="EPSG:27700")


def test_a_station_on_an_lsoa_edge_counts_half_a_disc_in_each_and_their_moves(lsoas):
    frame = _features([{"id": "s", "name": "Station S", "status_date": "2026-03-19"}], [Point(2000, 1000)])
    (scheme,) = sc.scheme_list(frame, "transport_schemes")
    card = sc.scorecard(scheme, distance_km=0.5, lsoas=lsoas)
    a, b = 4000 * HALF_DISC_500 / LSOA_AREA, 2000 * HALF_DISC_500 / LSOA_AREA  # 392.70 and 196.35
    assert card.residents == pytest.approx(a + b, rel=1e-3)
    assert card.counted == "within 0.5 km"
    moves = card.moves["scheme"]
    # Both LSOAs can be compared: A moved into the 10%, B out of the 20%: shares 2/3 and 1/3 of the residents.
    assert moves["compared"] == pytest.approx(a + b, rel=1e-3) and moves["not_compared"] == 0
    assert moves["into_10_share"] == pytest.approx(2 / 3) and moves["out_20_share"] == pytest.approx(1 / 3)
    assert moves["out_10_share"] == 0 and moves["into_20_share"] == 0
    # Two-thirds of its residents live in Birmingham (A), one third in Sandwell (B).
    assert card.districts.to_dict() == pytest.approx({BIRMINGHAM: 2 / 3, SANDWELL: 1 / 3})
    assert card.most_deprived_share("here", (1,)) == pytest.approx(2 / 3)
    assert card.effect_kind == "opened_after_data" and "no figure yet can show its effect" in card.effect


def test_residents_of_lsoas_that_cannot_be_compared_are_left_out_of_the_shares_and_counted(lsoas):
    frame = _features([{"id": "s", "name": "S"}], [Point(4000, 1000)])  # half in B, half in C (not comparable)
    card = sc.scorecard(sc.scheme_list(frame, "transport_schemes")[0], distance_km=0.5, lsoas=lsoas)
    moves = card.moves["scheme"]
    c = 1000 * HALF_DISC_500 / LSOA_AREA
    assert moves["not_compared"] == pytest.approx(c, rel=1e-3)
    assert moves["out_20_share"] == pytest.approx(1.0)  # all the compared residents (B's) moved out of the 20%


def test_a_line_and_its_stops_are_one_scheme_measured_from_its_stops(lsoas):
    stops = [Point(1000, 1000), Point(5000, 1000)]
    frame = _features(
        [{"id": "l-1-2", "name": "Line X: One to Two", "subtype": "line", "line_id": "LX", "schematic": True},
         {"id": "one", "name": "Line X: One", "subtype": "metro_stop", "line_id": "LX"},
         {"id": "two", "name": "Line X: Two", "subtype": "metro_stop", "line_id": "LX",
          "status": "planned", "status_category": "planned"}],
        [shapely.LineString([(p.x, p.y) for p in stops]), *stops])
    (scheme,) = sc.scheme_list(frame, "transport_schemes")
    assert (scheme.id, scheme.name, scheme.kind) == ("LX", "Line X", "Metro stop")
    assert scheme.categories == ("open", "planned") and scheme.status_label == "Open; planned"
    card = sc.scorecard(scheme, distance_km=0.5, lsoas=lsoas)
    disc = math.pi * 500.0**2 / LSOA_AREA
    assert card.residents == pytest.approx(4000 * disc + 1000 * disc, rel=1e-3)  # B, between the stops, not reached
    assert card.counted == "within 0.5 km of its 2 stops and sites"
    assert card.effect_kind == "open_undated" and card.effect.startswith("Partly open")


@pytest.mark.parametrize(("categories", "date", "kind", "words"), [
    (["planned"], "2025-06", "not_open", "no figure can show its effect yet"),
    (["under construction", "planned"], "", "not_open", "no figure can show its effect yet"),
    (["unclassified"], "", "status_unclear", "no figure here can show an effect"),
    (["open"], "2024-12-15", "opened_after_data", "no figure yet can show its effect"),
    (["open"], "2021", "open_within_data", "within the years the figures cover"),
    (["open"], "", "open_undated", "is not known"),
])
def test_what_the_figures_can_say_about_a_scheme(categories, date, kind, words):
    frame = _features([{"id": f"f{i}", "name": "P", "status_category": c, "status_date": date}
                       for i, c in enumerate(categories)], [Point(0, 0)] * len(categories))
    (scheme,) = sc.scheme_list(frame.assign(line_id="L"), "transport_schemes")
    got, sentence = sc.effect_note(scheme, 2023)
    assert got == kind and words in sentence
    assert sentence.endswith("These figures describe the place, not the scheme's effect: they are not an evaluation.")


# ------------------------------------------------------------------------------------------- the shipped data

needs_data = pytest.mark.skipif(not (DATA / "indicators" / "lsoa.parquet").exists(), reason="data/ not built")


@pytest.fixture(scope="module")
def lsoa_truth() -> pd.DataFrame:
    """Per LSOA, read without mapkit: Census 2021 usual residents, IoD2025 decile, moves, district and CA."""
    table = pd.read_parquet(DATA / "indicators" / "lsoa.parquet")
    wide = table.pivot(index="code", columns="indicator", values="value")
    deciles = table[table["indicator"] == "imd_score"].set_index("code")["decile"]
    shapes = gpd.read_parquet(DATA / "boundaries" / "lsoa.parquet").set_index("code")
    return pd.DataFrame({"population": wide["population"], "decile": deciles.astype(float),
                         "net_10": wide["imd_change_net_10pct"], "net_20": wide["imd_change_net_20pct"],
                         "ward_code": shapes["ward_code"], "lad_code": shapes["lad_code"],
                         "ca_code": shapes["ca_code"]})


@pytest.fixture(scope="module")
def wmca_cards() -> dict[str, sc.Scorecard]:
    return {card.scheme.id: card for card in sc.scorecards(WMCA)}


def _shares(rows: pd.DataFrame, weight: pd.Series) -> dict[str, float]:
    people = rows["population"] * weight
    compared = people[rows["net_10"].notna()].sum()
    return {"residents": people.sum(), "compared": compared,
            "into_10_share": people[rows["net_10"] == 1].sum() / compared,
            "out_10_share": people[rows["net_10"] == -1].sum() / compared,
            "into_20_share": people[rows["net_20"] == 1].sum() / compared,
            "out_20_share": people[rows["net_20"] == -1].sum() / compared}


@needs_data
def test_a_zones_figures_are_the_sums_of_its_lsoas(wmca_cards, lsoa_truth):
    card = wmca_cards["growth-zone-east-birmingham-north-solihull-zone"]
    zone = card.scheme.zone.iloc[0]
    assert card.counted == f"in its {len(zone['ward_codes'])} wards" and not card.scheme.approximate
    weights = card.members.set_index("code")["weight"]
    truth = _shares(lsoa_truth.loc[weights.index], weights)
    for key, value in truth.items():
        assert card.moves["scheme"][key] == pytest.approx(value, rel=1e-9), key
    # The LSOAs counted whole are exactly those whose ONS best-fit ward is one of the zone's and that nest in it;
    # the total is within 2% of the best-fit LSOAs' residents (only straddling LSOAs are apportioned).
    whole = card.members.loc[card.members["how"] == "whole", "code"]
    assert lsoa_truth.loc[whole, "ward_code"].isin(zone["ward_codes"]).all()
    best_fit = lsoa_truth[lsoa_truth["ward_code"].isin(zone["ward_codes"])]
    assert card.residents == pytest.approx(best_fit["population"].sum(), rel=0.02)
    # Residents by decile: the same sums, decile by decile.
    by_decile = (lsoa_truth.loc[weights.index, "population"] * weights).groupby(
        lsoa_truth.loc[weights.index, "decile"]).sum()
    for decile, people in by_decile.items():
        assert card.deciles.loc[card.deciles["decile"] == decile, "population"].iloc[0] == pytest.approx(people)


@needs_data
def test_a_stations_residents_are_the_lsoas_within_a_kilometre_measured_independently(wmca_cards, lsoa_truth):
    card = wmca_cards["new-rail-station-moseley-village"]
    point = card.scheme.features.to_crs("EPSG:27700").geometry.iloc[0]
    disc = point.buffer(1000.0, quad_segs=64)
    shapes = gpd.read_parquet(DATA / "boundaries" / "lsoa.parquet").to_crs("EPSG:27700").set_index("code")
    near = shapes[shapes.intersects(disc)]
    share = near.geometry.intersection(disc).area / near.geometry.area
    share = share[share > 0]
    assert set(card.members["code"]) == set(share.index)
    truth = _shares(lsoa_truth.loc[share.index], share)
    assert card.residents == pytest.approx(truth["residents"], rel=2e-3)  # 32 vs 64 segments per quarter circle
    for key in ("into_10_share", "out_10_share", "into_20_share", "out_20_share"):
        assert card.moves["scheme"][key] == pytest.approx(truth[key], abs=2e-3), key


@needs_data
def test_the_combined_authority_and_england_are_the_sums_of_all_their_lsoas(wmca_cards, lsoa_truth):
    card = wmca_cards["WMM_L1"]
    for key, rows in (("ca", lsoa_truth[lsoa_truth["ca_code"] == WMCA]), ("england", lsoa_truth)):
        truth = _shares(rows, pd.Series(1.0, index=rows.index))
        for name, value in truth.items():
            assert card.moves[key][name] == pytest.approx(value, rel=1e-12), (key, name)
        deciles = rows.groupby("decile")["population"].sum() / rows["population"].sum()
        assert card.deciles[key].to_numpy() == pytest.approx(deciles.to_numpy(), rel=1e-12)
    # England's count of LSOAs moved into the most deprived 10% is the documented 609 (docs/change_method.md).
    assert int((lsoa_truth["net_10"] == 1).sum()) == 609


@needs_data
def test_growth_is_the_change_in_onss_own_cells(wmca_cards):
    series = {level: pd.read_parquet(DATA / "series" / f"{level}.parquet") for level in ("lad", "ca", "england")}

    def cell(level: str, series_id: str, code: str, year: int) -> float:
        rows = series[level]
        return float(rows.loc[(rows["series"] == series_id) & (rows["code"] == code) & (rows["year"] == year),
                              "value"].iloc[0])

    card = wmca_cards["WMM_L1"]
    checked = 0
    for row in card.growth.itertuples(index=False):
        start = cell(row.area_level, row.series_id, row.area_code, 2013)
        end = cell(row.area_level, row.series_id, row.area_code, 2023)
        expected = end - start if row.series_id == "employment_rate_16_64" else 100 * (end / start - 1)
        assert (row.start, row.end, row.start_value, row.end_value) == (2013, 2023, start, end)
        assert row.change == pytest.approx(expected, rel=1e-9), (row.series_id, row.area_code)
        assert row.unit == ("percentage points" if row.series_id == "employment_rate_16_64" else "%")
        checked += 1
    # Three series x (four districts holding at least 1% of its residents, the CA, England).
    assert checked == 3 * 6
    assert set(card.growth["area_code"]) == {BIRMINGHAM, SANDWELL, "E08000031", "E08000030", WMCA, "E92000001"}
    # Dudley holds a sliver of its 1 km buffer (under 1%): named with its share, left out of the growth table.
    assert list(card.small_districts.index) == ["E08000027"] and card.small_districts.iloc[0] < 0.01
    assert card.districts.sum() == pytest.approx(1.0)


@needs_data
def test_schemes_of_the_west_midlands(wmca_cards):
    names = {card.scheme.name for card in wmca_cards.values()}
    assert {"West Midlands Metro Line 1", "Sprint A34/A45 and Sprint A45 branch", "Eastside extension",
            "Growth Zone: East Birmingham & North Solihull"} <= names
    assert wmca_cards["WMM_L1"].effect_kind == "open_within_data"
    assert wmca_cards["new-rail-station-darlaston"].effect_kind == "opened_after_data"
    assert wmca_cards["birmingham-smithfield"].effect_kind == "not_open"
    assert all("not an evaluation" in card.effect for card in wmca_cards.values())
    assert all(card.residents > 0 for card in wmca_cards.values())


@needs_data
def test_one_scheme_by_id_and_clear_errors():
    (card,) = sc.scorecards(WMCA, scheme="WMM_L1", overlays=("transport_schemes",))
    assert card.scheme.name == "West Midlands Metro Line 1"
    with pytest.raises(UnknownNameError, match=r"No scheme 'nope' in West Midlands: use one of .*--list"):
        sc.scorecards(WMCA, scheme="nope")
    with pytest.raises(ParameterError, match=r"2030.*Choose a year in that range"):
        sc.check_period((2013, 2030))
    with pytest.raises(ParameterError, match="out of range"):
        sc.scorecards(WMCA, distance_km=9)
    (other,) = sc.scorecards(WMCA, scheme="WMM_L1", overlays=("transport_schemes",), period=(2015, 2020))
    assert set(other.growth["start"]) == {2015} and set(other.growth["end"]) == {2020}
