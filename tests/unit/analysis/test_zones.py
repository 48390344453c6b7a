"""Zones drawn as their wards (layers/overlays/*.geojson) and who lives in them (mapkit.analysis.zones)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pytest

from shapely.geometry import box

from mapkit.analysis import zones
from mapkit.specs.registry import overlay_specs
from mapkit.data.overlays import load_overlay
from mapkit.web.overlays import overlay_layers, popup_html
from mapkit.data.status_dates import as_of_keep, is_stale, stale_note, status_date

ROOT = Path(__file__).resolve().parents[3]
WARDS = ROOT / "data" / "boundaries" / "ward.parquet"
EBNS = "growth-zone-east-birmingham-north-solihull-zone"
needs_data = pytest.mark.skipif(not WARDS.exists(), reason="data/boundaries not built")


def _zone(overlay_id: str, ident: str):
    frame = load_overlay(overlay_id)
    return frame[frame["id"] == ident].iloc[0]


def _features(overlay_id: str) -> list[dict]:
    return json.loads(overlay_specs()[overlay_id].path().read_text(encoding="utf-8"))["features"]


@needs_data
def test_east_birmingham_north_solihull_is_the_union_of_its_23_wards():
    zone = _zone("growth_locations", EBNS)
    assert zone["ward_count"] == 23 and len(zone["ward_codes"]) == 23
    assert zone["ward_codes_approximate"] is False  # the Cabinet report lists the wards
    wards = gpd.read_parquet(WARDS)
    chosen = wards[wards["code"].isin(zone["ward_codes"])]
    assert len(chosen) == 23
    assert {"Chelmsley Wood", "Smith's Wood", "Kingshurst and Fordbridge"} <= set(chosen["name"])
    union = chosen.to_crs(27700).geometry.union_all()
    drawn = gpd.GeoSeries([zone.geometry], crs=4326).to_crs(27700).iloc[0]
    assert abs(drawn.area - union.area) / union.area < 1e-3
    assert drawn.symmetric_difference(union).area / union.area < 2e-3
    # Every ward's own representative point lies inside the drawn zone; a ward outside does not.
    for geom in chosen.to_crs(27700).geometry:
        assert drawn.contains(geom.representative_point())
    other = wards[~wards["code"].isin(zone["ward_codes"]) & (wards["lad_name"] == "Birmingham")]
    assert not any(drawn.contains(g.representative_point()) for g in other.to_crs(27700).geometry)


def test_every_row_naming_wards_is_a_zone_with_its_source():
    zones_drawn = [f for oid in overlay_specs() for f in _features(oid) if f["properties"].get("zone")]
    assert len(zones_drawn) == 18
    for feature in zones_drawn:
        props = feature["properties"]
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert props["ward_codes"] and props["ward_codes_source"] and props["source_url"]
        assert props["ward_count"] == len(props["ward_names"]) == len(props["ward_codes"])
    approximate = {f["properties"]["id"] for f in zones_drawn if f["properties"]["ward_codes_approximate"]}
    assert EBNS not in approximate and "wmm-ebns-wards" in approximate


def test_a_row_with_a_point_and_wards_is_drawn_as_both():
    features = _features("growth_locations")
    point = next(f for f in features if f["geometry"]["type"] == "Point"
                 and f["properties"]["name"].startswith("WM Investment Zone: Birmingham Knowledge Quarter"))
    zone_ids = {f["properties"]["id"] for f in features if f["properties"].get("zone")}
    assert point["properties"]["zone_id"] in zone_ids


def test_zone_popup_lists_wards_and_says_when_approximate():
    zone = _zone("transport_schemes", "wmm-ebns-wards").to_dict()
    html = popup_html(zone)
    assert "approximate area" in html and "3 May 2024 wards" in html and "point-in-polygon" in html
    exact = popup_html(_zone("growth_locations", EBNS).to_dict())
    assert "wards listed by the source" in exact and "approximate area" not in exact
    assert "Chelmsley Wood" in exact


def test_zone_is_drawn_as_an_unfilled_outline_with_a_label():
    import folium

    frame = load_overlay("growth_locations")
    m = folium.Map()
    for group in overlay_layers(frame[frame["id"] == EBNS], "growth_locations"):
        group.add_to(m)
    html = m.get_root().render()
    assert '"fill": false' in html and "mapkit-zone-label" in html and "East Birmingham" in html


@needs_data
def test_who_lives_in_east_birmingham_north_solihull_is_the_sum_over_its_lsoas():
    zone = _zone("growth_locations", EBNS)
    result = zones.residents_in_zone(zone.to_dict(), zone.geometry)
    members = result.members
    # The figures are the sum over the counted LSOAs, decile by decile.
    for decile in range(1, 11):
        rows = members[members["decile"] == decile]
        assert result.table.loc[decile - 1, "population"] == pytest.approx(
            (rows["population"] * rows["weight"]).sum(), rel=1e-12)
    # LSOAs counted whole are exactly those best-fitted to the 23 wards that nest in the zone.
    lsoas = zones.lsoa_table()
    best_fit = lsoas[lsoas["ward_code"].isin(zone["ward_codes"])]
    whole = set(members.loc[members["how"] == "whole", "code"])
    assert whole <= set(best_fit["code"]) and len(whole) == 177
    # and the total is the population of the 23 wards' LSOAs to within 2% (the straddling ones apportioned).
    assert result.total_population == pytest.approx(best_fit["population"].sum(), rel=0.02)
    assert 0.70 < result.table.loc[0, "share"] < 0.72
    assert "in its 23 wards" in result.sentence()
    table = zones.comparison(result.table, "E47000007")
    assert list(table.columns) == ["decile", "here", "combined authority", "England"]
    assert table["England"].sum() == pytest.approx(1.0)
    assert table.loc[0, "here"] > table.loc[0, "combined authority"] > table.loc[0, "England"]


def test_nesting_straddling_and_sliver_rules():
    lsoas = gpd.GeoDataFrame(
        {"code": ["in", "edge", "sliver"], "ward_code": ["W1", "W2", "W2"], "ca_code": ["C"] * 3,
         "decile": [1, 5, 9], "population": [1000.0, 800.0, 500.0]},
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(199, 0, 299, 100)], crs=27700)
    zone = box(0, 0, 150, 100).union(box(150, 0, 200.5, 100))
    members = zones.zone_lsoas(zone, ["W1"], crs="EPSG:27700", lsoas=lsoas)
    assert list(members["code"]) == ["edge", "in"]
    assert members.set_index("code")["how"].to_dict() == {"in": "whole", "edge": "apportioned"}
    table = zones.residents_by_decile(members)
    assert table.loc[0, "population"] == 1000.0 and table.loc[4, "population"] == pytest.approx(800.0)


@pytest.mark.parametrize("text, day", [("2023-12-21", dt.date(2023, 12, 21)), ("2025-06", dt.date(2025, 6, 30)),
                                       ("2021", dt.date(2021, 12, 31)), ("2024-03 | 2025-01-15", dt.date(2025, 1, 15)),
                                       ("", None), (None, None)])
def test_status_date_is_the_end_of_the_latest_period(text, day):
    assert status_date(text) == day


def test_as_of_keeps_statuses_recorded_by_then_and_flags_stale_ones():
    import pandas as pd

    texts = pd.Series(["2023-12-21", "2026-04-20", ""])
    assert as_of_keep(texts, dt.date(2025, 1, 1)).tolist() == [True, False, True]
    assert is_stale("2023-12-21", dt.date(2025, 1, 1)) and not is_stale("2024-06-01", dt.date(2025, 1, 1))
    assert "the as-of date" in stale_note("2020", dt.date(2025, 1, 1))
    html = popup_html({"name": "X", "status": "open", "status_category": "open", "status_date": "2020-01-01"},
                      as_of=dt.date(2025, 1, 1))
    assert "over a year old on 2025-01-01" in html


def test_a_zone_and_its_point_or_a_corridor_and_its_line_count_as_one_scheme():
    from mapkit.data.overlays import scheme_keys

    frame = load_overlay("growth_locations")
    kq = frame[frame["name"].str.startswith("WM Investment Zone: Birmingham Knowledge Quarter")]
    assert sorted(kq.geom_type) == ["MultiPolygon", "Point"] and scheme_keys(kq).nunique() == 1
    assert scheme_keys(kq).iloc[0] == "wm-investment-zone-birmingham-knowledge-quarter-zone"
    transport = load_overlay("transport_schemes")
    ebns = transport[transport["line_id"].fillna("").str.startswith("WMM_EBNS")]
    assert set(ebns.geom_type) == {"Point", "LineString", "MultiPolygon"} and scheme_keys(ebns).nunique() == 1
    assert scheme_keys(ebns).iloc[0] == "wmm-ebns-wards"  # the zone names the scheme
    # Two lines that share one zone of wards served are one scheme (Sprint A34/A45 and its A45 branch).
    sprint = transport[transport["line_id"].fillna("").str.contains("SPRINT_A4")]
    assert sprint["line_id"].str.contains("SPRINT_A45_SOLIHULL").any() and scheme_keys(sprint).nunique() == 1
    # A line without a zone is named by its line id; a lone feature by its own id.
    l1 = transport[transport["line_id"] == "WMM_L1"]
    assert set(scheme_keys(l1)) == {"WMM_L1"}
    lone = transport[(transport["line_id"].fillna("") == "") & ~transport["zone"].eq(True)].head(3)
    assert scheme_keys(lone).tolist() == lone["id"].tolist()
