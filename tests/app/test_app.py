"""The Streamlit app's widget logic, without a browser (``streamlit.testing.v1.AppTest``)."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
import shapely
from streamlit.testing.v1 import AppTest

import mapkit
import mapkit.analysis.map_data
import mapkit.analysis.nearby
from mapkit.data import overlays
from mapkit.data import uploads
from mapkit.errors import ProductError, UploadError
from mapkit.analysis.tables import ranking_table

APP = str(Path(__file__).resolve().parents[2] / "app.py")
WMCA = "E47000007"
COVENTRY = "E08000026"
BINLEY = "E05001219"


def start(query: dict[str, str] | None = None) -> AppTest:
    """The app opened from a link: its first run (the map alone), then the run its timer asks for (the page)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_first_run_sends_the_map_alone_and_the_next_the_whole_page() -> None:
    """The browser mounts the map without waiting for the widgets' and tables' scripts (benchmarks/speed.py)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"region": COVENTRY, "level": "lsoa", "indicator": "health_score"})
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["England policy map"]
    assert any("for the 203 LSOAs of Coventry" in c.value for c in at.caption)
    assert map_args(at)["feature_group"]  # the map, with its areas' layer
    assert not at.sidebar.selectbox and not at.dataframe and not at.tabs
    assert query_value(at, "region") == COVENTRY and query_value(at, "indicator") == "health_score"
    at.run()  # what the first run's timer asks for
    assert not at.exception
    assert at.selectbox(key="w_region").value == COVENTRY and at.radio(key="w_level").value == "lsoa"
    assert at.selectbox(key="w_indicator").value == "health_score"
    assert len(ranking_frame(at)) == 203 and [t.label for t in at.tabs][0] == "Ranked table"
    assert map_args(at)["feature_group"]


def ranking_frame(at: AppTest):
    """The ranking table (the dataframe with areas ranked in England)."""
    return next(d.value for d in at.dataframe if "rank_in_england" in d.value.columns)


def test_default_view_is_west_midlands_wards_imd_deciles() -> None:
    at = start()
    assert at.selectbox(key="w_region").value == WMCA
    assert at.radio(key="w_level").value == "ward"
    assert at.selectbox(key="w_indicator").value == "imd_score"
    assert at.selectbox(key="w_scheme").value == "national_deciles"
    assert at.slider(key="w_k").disabled  # deciles always have ten classes
    assert {k: query_value(at, k) for k in at.query_params} == {
        "region": WMCA, "level": "ward", "indicator": "imd_score", "scheme": "national_deciles", "k": "5",
        "breaks": "england", "palette": "default", "basemap": "light"}
    assert any("192 wards of West Midlands" in c.value for c in at.caption)
    assert len(ranking_frame(at)) == 192
    assert not at.error and not at.info[1:]  # only the "click an area" hint


def query_value(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def test_changing_region_updates_levels_map_and_url() -> None:
    at = start()
    at.selectbox(key="w_region").set_value(mapkit.ENGLAND).run()
    assert not at.exception
    assert at.radio(key="w_level").options == ["Combined authorities", "Districts", "Wards", "LSOAs"]
    assert query_value(at, "region") == mapkit.ENGLAND
    assert any("6,817 wards of England" in c.value for c in at.caption)
    assert len(ranking_frame(at)) == 250  # a page of the ranked table, not all 6,817 rows at every rerun
    assert list(ranking_frame(at).columns) == ["name", "code", "value", "rank_in_england", "n_england",
                                               "decile_in_england", "note"]  # only what is shown is sent
    assert any(c.value == "Rows 1 to 250 of the 6,817 wards (page 1 of 28)." for c in at.caption)


def test_lsoas_are_offered_for_a_district() -> None:
    at = start()
    at.selectbox(key="w_region").set_value(COVENTRY).run()
    assert at.radio(key="w_level").options == ["Districts", "Wards", "LSOAs"]
    at.radio(key="w_level").set_value("lsoa").run()
    assert not at.exception
    assert query_value(at, "level") == "lsoa"
    assert len(ranking_frame(at)) == len(mapkit.load_boundaries("lsoa", COVENTRY))


def test_all_of_englands_lsoas_are_a_level() -> None:
    at = start()
    at.selectbox(key="w_region").set_value(mapkit.ENGLAND).run()
    at.radio(key="w_level").set_value("lsoa").run()
    assert not at.exception
    assert query_value(at, "level") == "lsoa" and query_value(at, "region") == mapkit.ENGLAND
    assert any("33,755 LSOAs of England" in c.value for c in at.caption)
    assert len(ranking_frame(at)) == 250
    assert at.number_input(key="w_table_page").max == 136


def test_only_indicators_published_at_the_level_are_offered() -> None:
    at = start()
    offered_for_wards = set(at.selectbox(key="w_indicator").options)
    assert "GDHI per head" not in offered_for_wards
    at.radio(key="w_level").set_value("lad").run()
    at.selectbox(key="w_theme").set_value("Growth and productivity").run()
    assert not at.exception
    assert "GDHI per head" in at.selectbox(key="w_indicator").options
    # The new theme selected its first indicator, which has no national deciles: quantiles instead.
    assert mapkit.registry().indicator(at.selectbox(key="w_indicator").value).theme == "Growth and productivity"
    assert at.selectbox(key="w_scheme").value == "quantiles"
    assert not at.slider(key="w_k").disabled
    at.radio(key="w_level").set_value("ward").run()
    assert at.selectbox(key="w_indicator").value == "imd_score"  # GDHI is not published for wards


def test_unavailable_indicators_are_listed_with_the_reason() -> None:
    at = start({"level": "ward", "indicator": "imd_score"})
    expanders = [e for e in at.sidebar.expander if e.label.startswith("Not available for wards")]
    assert len(expanders) == 1
    text = " ".join(c.value for c in expanders[0].caption)
    assert "**GDHI per head** (Growth and productivity): Published for districts and combined authorities only." in text
    assert "**Gigabit broadband coverage** (Growth and productivity): Published for districts only." in text
    unavailable = [s for s in mapkit.registry().indicators.values() if "ward" not in s.levels]
    assert expanders[0].label.endswith(f"({len(unavailable)})")


@pytest.mark.parametrize(("query", "notice"), [
    ({"region": "<script>alert(1)</script>"}, "is not a known area code"),
    ({"level": "ca", "region": "E08000026"}, "do not fit inside Coventry"),
    ({"indicator": "nope", "k": "99", "palette": "neon"}, "is not known"),
    ({"area": "E05999999"}, "no area profile is open"),
    ({"unknown": "1"}, "does not use"),
])
def test_bad_link_parameters_give_a_notice_not_a_traceback(query: dict[str, str], notice: str) -> None:
    at = start(query)
    notices = [i.value for i in at.info]
    assert any(notice in n for n in notices), notices
    assert not at.error
    assert "<script>" not in " ".join(notices)
    assert at.selectbox(key="w_indicator").value  # the map still opens on a valid view


def test_blackpool_profile_shows_mhclg_average_rank_once_for_england() -> None:
    at = start({"region": "E92000001", "level": "lad", "indicator": "imd_average_rank", "area": "E06000009"})
    assert [s.value for s in at.main.header][0] == "Blackpool"
    assert [m.value for m in at.metric][0] == "26,536.86"
    text = " ".join(m.value for m in at.markdown)
    assert text.count("Rank in England: **1 of 296**") == 1 and text.count("Median of England") == 1


def test_a_link_with_an_area_opens_its_profile() -> None:
    at = start({"region": WMCA, "level": "ward", "indicator": "imd_score", "area": BINLEY})
    assert [s.value for s in at.main.header][0] == "Binley and Willenhall"
    assert query_value(at, "area") == BINLEY
    assert any("Rank in England" in m.value for m in at.markdown)
    profile_tables = [d.value for d in at.dataframe if "Indicator" in d.value.columns]
    assert profile_tables and len(profile_tables[0]) == sum(
        "ward" in s.levels for s in mapkit.registry().indicators.values())
    at.button(key="close_profile").click().run()
    assert "area" not in at.query_params


def test_a_neutral_indicator_is_ranked_highest_first_never_worst() -> None:
    at = start({"region": WMCA, "level": "ward", "indicator": "population", "area": BINLEY})
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Rank 1 = highest.") for c in captions)
    # one wording per indicator (mapkit.text.ranks): rates where higher is better read "lowest", never "worst"
    assert any("100 = lowest for Residents 16+ in employment, Level 4+ qualifications" in c for c in captions)
    assert not any(re.search(r"\bworst\b", c) for c in captions)
    palette = at.sidebar.selectbox(key="w_palette")
    assert "Darker = higher." in palette.help and "worse" not in palette.help


def test_search_filters_the_ranking_table() -> None:
    at = start()
    at.text_input(key="w_search").input("Aston").run()
    names = list(ranking_frame(at)["name"])
    assert names and all("aston" in n.lower() for n in names)
    assert any(c.value.startswith(f'{len(names)} of the 192 wards match "Aston"') for c in at.caption)


def test_the_ranked_table_pages_and_orders_and_a_new_view_starts_at_page_one() -> None:
    england = ranking_table("imd_score", "ward", mapkit.ENGLAND)
    at = start({"region": mapkit.ENGLAND, "level": "ward", "indicator": "imd_score"})
    assert list(ranking_frame(at)["code"]) == list(england["code"].iloc[:250])
    at.number_input(key="w_table_page").set_value(3).run()
    assert not at.exception
    assert list(ranking_frame(at)["code"]) == list(england["code"].iloc[500:750])
    assert any(c.value == "Rows 501 to 750 of the 6,817 wards (page 3 of 28)." for c in at.caption)
    at.radio(key="w_table_order").set_value("best").run()
    assert at.number_input(key="w_table_page").value == 1
    assert ranking_frame(at)["value"].iloc[0] == england["value"].min()
    at.number_input(key="w_table_page").set_value(28).run()
    assert len(ranking_frame(at)) == 6817 - 27 * 250
    at.number_input(key="w_table_page").set_value(2).run()
    at.selectbox(key="w_region").set_value(WMCA).run()  # another view: back to page 1
    assert not at.exception
    assert at.number_input(key="w_table_page").value == 1
    at.checkbox(key="w_plain_table").check().run()
    plain = at.table[0].value
    assert list(plain["Code"]) == list(ranking_frame(at)["code"])  # the plain table shows the grid's rows


def test_classification_and_palette_choices_reach_the_url() -> None:
    at = start()
    at.selectbox(key="w_scheme").set_value("natural_breaks").run()
    at.slider(key="w_k").set_value(7).run()
    at.radio(key="w_breaks").set_value("region").run()
    at.selectbox(key="w_palette").set_value("print").run()
    at.radio(key="w_basemap").set_value("none").run()
    assert not at.exception
    assert {k: query_value(at, k) for k in ("scheme", "k", "breaks", "palette", "basemap")} == {
        "scheme": "natural_breaks", "k": "7", "breaks": "region", "palette": "print", "basemap": "none"}
    assert any("Natural breaks (Fisher-Jenks)" in c.value and "in West Midlands" in c.value for c in at.caption)


def test_a_data_error_is_shown_as_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise ProductError("Data file data/indicators/ward.parquet is missing. Rebuild it with "
                           "`python -m mapkit build-data`.")

    monkeypatch.setattr(mapkit, "load_indicator", broken)
    monkeypatch.setattr(mapkit.analysis.map_data, "load_indicator", broken)  # the app loads its view through prepare()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert any("python -m mapkit build-data" in e.value for e in at.error)


# ------------------------------------------------------------------------------------------------ overlays


def map_args(at: AppTest) -> dict:
    """The arguments the app gave streamlit-folium: ``feature_group`` holds the script of every drawn layer."""
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


def overlay_counts(at: AppTest) -> tuple[int, int]:
    """Circle markers and lines in the map's layers."""
    script = map_args(at)["feature_group"]
    return script.count("L.circleMarker("), script.count("L.polyline(")


def test_overlay_toggles_change_the_url_and_the_map_layers() -> None:
    at = start()
    assert overlay_counts(at) == (0, 0)
    assert "overlays" not in at.query_params
    at.checkbox(key="w_overlay_transport_schemes").check().run()
    assert not at.exception
    assert query_value(at, "overlays") == "transport_schemes" and query_value(at, "statuses") == "all"
    schemes = overlays.overlay_in_region("transport_schemes", WMCA)
    lines = int((schemes.geom_type == "LineString").sum())
    points = int((schemes.geom_type == "Point").sum())
    zones_drawn = int((schemes.geom_type == "MultiPolygon").sum())
    assert overlay_counts(at) == (points, lines) and lines > 0
    assert map_args(at)["feature_group"].count('"mapkit-zone-label-icon"') == zones_drawn > 0  # zones: outline + label
    assert "Overlays: status" in map_args(at)["feature_group"]  # the key, folded on the map
    assert "Trainline EU and contributors (ODbL)" in map_args(at)["feature_group"]  # the key's attribution

    at.multiselect(key="w_statuses").set_value(["open"]).run()
    assert query_value(at, "statuses") == "open"
    open_only = schemes[schemes["status_category"] == "open"]
    open_lines = int((open_only.geom_type == "LineString").sum())
    open_points = int((open_only.geom_type == "Point").sum())
    assert overlay_counts(at) == (open_points, open_lines) < (points, lines)

    at.checkbox(key="w_overlay_growth_locations").check().run()
    assert query_value(at, "overlays") == "growth_locations,transport_schemes"
    assert map_args(at)["feature_group"].count("mapkit-overlay-square") >= 1
    at.checkbox(key="w_overlay_transport_schemes").uncheck().run()
    at.checkbox(key="w_overlay_growth_locations").uncheck().run()
    assert "overlays" not in at.query_params and overlay_counts(at) == (0, 0)


def test_a_link_with_overlays_and_statuses_reopens_them() -> None:
    at = start({"overlays": "growth_locations", "statuses": "planned,under_construction"})
    assert at.checkbox(key="w_overlay_growth_locations").value
    assert not at.checkbox(key="w_overlay_transport_schemes").value
    assert at.multiselect(key="w_statuses").value == ["under construction", "planned"]
    assert query_value(at, "statuses") == "under_construction,planned"
    assert not at.info[1:]


@pytest.mark.parametrize(("query", "notice"), [
    ({"overlays": "transport_schemes", "statuses": "open,<b>demolished</b>"}, "overlay status `?b?demolished"),
    ({"overlays": "transport_schemes", "statuses": "nope"}, "showing every status"),
    ({"overlays": "ufo_sightings"}, "overlay `ufo_sightings` is not available"),
])
def test_bad_overlay_parameters_give_a_notice(query: dict[str, str], notice: str) -> None:
    at = start(query)
    assert any(notice in i.value for i in at.info), [i.value for i in at.info]
    assert not at.error


def open_nearby_tab(at: AppTest) -> AppTest:
    """Open the "Who lives near" tab (its code runs only while it is open)."""
    at.session_state["w_tab"] = "Who lives near the overlays"
    return at.run()


def test_who_lives_near_runs_only_when_its_tab_is_open() -> None:
    at = start({"overlays": "transport_schemes"})
    assert not any(m.value.startswith("**Transport schemes** in") for m in at.markdown)
    assert not [s for s in at.selectbox if s.key == "w_near_place"]
    open_nearby_tab(at)
    assert any(m.value.startswith("**Transport schemes** in") for m in at.markdown)


def test_who_lives_near_shows_residents_by_decile_and_the_group_summary() -> None:
    at = open_nearby_tab(start({"overlays": "transport_schemes"}))
    summary = [m.value for m in at.markdown if m.value.startswith("**Transport schemes** in West Midlands")]
    assert len(summary) == 1 and "of residents within 1 km" in summary[0] and "most deprived 20%" in summary[0]
    assert at.slider(key="w_near_km").value == 1.0
    at.selectbox(key="w_near_place").set_value("transport_schemes:wmm-l1-1-31").run()
    line = mapkit.analysis.nearby.population_near(
        mapkit.analysis.nearby.catchment(overlays.overlay_in_region("transport_schemes", WMCA).set_index("id")
                                .geometry["wmm-l1-1-31"], schematic=True), distance_km=1.0)
    sentences = [m.value for m in at.markdown if m.value.startswith("**West Midlands Metro Line 1: Edgbaston")]
    assert sentences == [f"**West Midlands Metro Line 1: Edgbaston Village to Wolverhampton St George's (Schematic "
                         f"line (straight segments between stops); open)**: {line.sentence()}"]
    deciles = next(d.value for d in at.dataframe if "National decile" in d.value.columns)
    assert list(deciles["National decile"]) == list(range(1, 11))
    assert list(deciles["Residents"]) == [int(round(v, -1)) for v in line.table["population"]]
    assert any(c.value.startswith("Method: LSOAs apportioned by area share") for c in at.caption)
    at.slider(key="w_near_km").set_value(2.0).run()
    assert any("within 2 km" in m.value for m in at.markdown)
    wider = next(d.value for d in at.dataframe if "National decile" in d.value.columns)
    assert wider["Residents"].sum() > deciles["Residents"].sum()
    not_mapped = [e for e in at.expander if "without a coordinate" in e.label]
    assert len(not_mapped) == 1
    assert not_mapped[0].label.endswith(f"{len(overlays.not_mapped('transport_schemes', region=WMCA))} without a "
                                        "coordinate")


# ------------------------------------------------------------------------------------------------ uploads


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="w_upload").set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("name", "content"), [
    ("places.csv", b"title,lat,lon\nA,52.5,-1.9\n"),
    ("places.csv", b"name,lat,lon\nA,-1.9,52.5\n"),
    ("places.xlsx", b"PK\x03\x04"),
    ("places.geojson", b"{not json"),
])
def test_a_rejected_upload_shows_what_is_wrong(name: str, content: bytes) -> None:
    with pytest.raises(UploadError) as raised:
        uploads.read_upload(content, name)
    at = upload(start(), name, content)
    shown = [e.value.replace("\\", "") for e in at.sidebar.error]
    assert shown == [str(raised.value).replace("\\", "")]
    assert "Your layer" not in map_args(at)["feature_group"]


def test_an_accepted_upload_is_drawn_with_escaped_text() -> None:
    csv = b"name,lat,lon,note\n<script>alert(1)</script> depot,52.48,-1.89,`${x}` <b>bold</b>\nHub,52.41,-1.51,\n"
    at = upload(start(), "my<i>layer</i>.csv", csv)
    assert not at.sidebar.error
    assert any("(2 features)" in c.value and "never saved" in c.value for c in at.sidebar.caption)
    script = map_args(at)["feature_group"]
    # Drawn from a reference to the encoded layer, which the page fetches once from Streamlit's media store.
    (reference,) = re.findall(r"window\.mapkit\.uploads\.layer\((\{.*?\}), \{", script)
    assert json.loads(reference) == {"url": json.loads(reference)["url"], "version": ANY, "n": 2}
    assert json.loads(reference)["url"].startswith("/mock/media/") and "<script>alert" not in script
    payload = json.loads(at.session_state["user_layer"].payload.json)
    assert payload["kinds"] == ["point", "point"]
    assert payload["names"][0] == "&lt;script&gt;alert(1)&lt;/script&gt; depot"
    assert payload["details"][0] == [["note", "&#96;&#36;{x}&#96; &lt;b&gt;bold&lt;/b&gt;"]]
    control = map_args(at)["layer_control"]  # layer names travel as JSON, escaped for HTML first
    assert "Your layer: my\\u0026lt;i\\u0026gt;layer" in control and "<i>" not in control
    # The upload's features are offered under "who lives near", computed for this session only.
    open_nearby_tab(at)
    places = at.selectbox(key="w_near_place").options
    assert "<script>alert(1)</script> depot (your layer)" in places
    at.file_uploader(key="w_upload").set_value(None).run()
    assert "Your layer" not in map_args(at)["feature_group"] and "user_layer" not in at.session_state


BOW_TIE = (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Bow"},"geometry":'
           b'{"type":"Polygon","coordinates":[[[-1.9,52.4],[-1.8,52.5],[-1.8,52.4],[-1.9,52.5],[-1.9,52.4]]]}}]}')


def test_a_repaired_upload_says_so_on_screen() -> None:
    at = upload(start(), "bow.geojson", BOW_TIE)
    assert not at.sidebar.error
    assert [w.value for w in at.sidebar.warning] == [
        "'bow.geojson': 1 feature was repaired: self-crossing rings split where they cross (feature 1)."]
    assert "Your layer: bow.geojson" in map_args(at)["layer_control"]


def test_a_multipoint_over_the_feature_limit_is_refused_in_the_app() -> None:
    points = ",".join("[-1.9,52.5]" for _ in range(20_000))
    data = ('{"type":"Feature","properties":{"name":"Pins"},"geometry":{"type":"MultiPoint","coordinates":['
            + points + ']}}').encode()
    at = upload(start(), "pins.geojson", data)
    shown = [e.value.replace("\\", "") for e in at.sidebar.error]
    assert len(shown) == 1 and "MultiPoint of 20,000 points; the limit is 5,000 features" in shown[0]
    assert "Your layer" not in map_args(at)["feature_group"]


def test_residents_near_an_upload_are_counted_once_per_upload_and_distance(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float] = []
    real = mapkit.analysis.nearby.population_near_bounded

    def counted(*args: Any, **kwargs: Any) -> mapkit.analysis.nearby.Nearby:
        calls.append(kwargs["distance_km"])
        return real(*args, **kwargs)

    monkeypatch.setattr(mapkit.analysis.nearby, "population_near_bounded", counted)
    at = upload(start({"region": WMCA}), "p.csv", b"name,lat,lon\nDepot,52.48,-1.90\n")
    assert calls == []  # the tab is closed
    open_nearby_tab(at)
    expected = mapkit.analysis.nearby.population_near(shapely.Point(-1.90, 52.48), distance_km=1.0)
    assert any(m.value == f"**Depot (your layer)**: {expected.sentence()}" for m in at.markdown)
    at.radio(key="w_basemap").set_value("none").run()
    at.selectbox(key="w_palette").set_value("print").run()
    assert calls == [1.0]  # neither the basemap nor the palette counts them again
    at.slider(key="w_near_km").set_value(2.0).run()
    assert calls == [1.0, 2.0]


# ------------------------------------------------------------------------------------------------ exports


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", content[16:24])


def export_buttons(at: AppTest) -> list:
    return [b for b in at.download_button if b.key == "export_download"]


CHECKS = {
    "png_a4": lambda c: png_size(c) == (3508, 2480),
    "png_slide": lambda c: png_size(c) == (4000, 2250),
    "pdf": lambda c: c.startswith(b"%PDF-"),
    "svg": lambda c: c.lstrip().startswith(b"<?xml") and b"<svg" in c[:2000],
    "html": lambda c: c.lstrip().lower().startswith(b"<!doctype html>"),
    "csv": lambda c: c.startswith(b"area_code,area_name,area_level,indicator_id,"),  # tidy: no comment lines
    "xlsx": lambda c: c.startswith(b"PK\x03\x04") and b"xl/worksheets/" in c,
    "pack": lambda c: c.startswith(b"%PDF-"),
    "zip": lambda c: c.startswith(b"PK\x03\x04"),
}


def test_every_export_format_gives_a_file_of_the_current_view() -> None:
    at = start({"region": COVENTRY, "level": "ward", "indicator": "income_score", "scheme": "quantiles", "k": "4",
                "palette": "print", "overlays": "transport_schemes", "statuses": "open"})
    assert not export_buttons(at)  # nothing is made until asked for
    assert len(at.selectbox(key="w_export_format").options) == len(CHECKS)
    for choice, check in CHECKS.items():
        at.selectbox(key="w_export_format").set_value(choice)
        at.button(key="export_prepare").click().run()
        assert not at.exception and not at.error, choice
        prepared = at.session_state["export"]
        assert check(prepared.content), choice
        assert prepared.name.startswith("E08000026_coventry_income_score_ward"), prepared.name
        assert [b.label.split(" (")[0] for b in export_buttons(at)] == [f"Download {prepared.name}"]
        if choice == "csv":
            wards = mapkit.load_boundaries("ward", COVENTRY)
            rows = [line for line in prepared.content.decode().splitlines() if line.startswith("E05")]
            assert len(rows) == len(wards)
        if choice == "html":
            html = prepared.content.decode()
            assert "Transport schemes" in html and "#D55E00" not in html  # open schemes only, as on the map
        if choice == "zip":
            names = zipfile.ZipFile(io.BytesIO(prepared.content)).namelist()
            assert any(n.endswith(".png") for n in names) and any(n.endswith(".csv") for n in names)
    assert at.session_state["export"].name.endswith(".zip")
    # A changed view makes the prepared file stale: no download until it is prepared again.
    at.selectbox(key="w_palette").set_value("viridis").run()
    assert not export_buttons(at)
    assert any("prepare it again" in c.value for c in at.caption)


BIRMINGHAM, MANCHESTER, LEEDS, SANDWELL = "E08000025", "E08000003", "E08000035", "E08000028"


def open_compare_tab(at: AppTest) -> AppTest:
    at.session_state["w_tab"] = "Compare areas"
    return at.run()


def test_a_link_with_a_compare_list_opens_the_comparison_with_england() -> None:
    at = start({"region": "E92000001", "level": "lad", "indicator": "gva_per_hour",
                "compare_areas": f"{BIRMINGHAM},{MANCHESTER},{LEEDS},E08999999"})
    assert any("E08999999" in i.value and "left out" in i.value for i in at.info)
    assert query_value(at, "compare_areas") == f"{BIRMINGHAM},{MANCHESTER},{LEEDS}"
    at = open_compare_tab(at)
    assert not at.exception
    assert at.multiselect(key="w_compare_areas").value == [BIRMINGHAM, MANCHESTER, LEEDS]
    wide = at.table[0].value
    gva = mapkit.registry().indicator("gva_per_hour")
    assert wide.loc[f"{gva.label} ({gva.unit})", "Birmingham"] == gva.format_value(
        float(mapkit.load_indicator("gva_per_hour", "lad").set_index("code").at[BIRMINGHAM, "value"]))
    assert "England" in wide.columns and "Greater Manchester (CA)" in wide.columns
    growth = [s for s in mapkit.registry().indicators.values()
              if "lad" in s.levels and s.theme == "Growth and productivity"]
    assert len(at.get("vega_lite_chart")) == len(growth)


def test_add_to_compare_and_similar_areas_in_the_profile() -> None:
    at = start({"region": "E92000001", "level": "lad", "indicator": "imd_score", "area": SANDWELL})
    assert any("Similar to Sandwell" in e.label for e in at.expander)
    listed = next(m.value for m in at.markdown if m.value.startswith("1. **"))
    assert len(listed.splitlines()) == 10 and "Sandwell" not in listed
    at.button(key="add_compare").click().run()
    assert query_value(at, "compare_areas") == SANDWELL
    at.button(key="compare_similar").click().run()
    codes = query_value(at, "compare_areas").split(",")
    assert len(codes) == 10 and codes[0] == SANDWELL


def test_as_of_date_from_a_link_filters_the_overlays_and_goes_back_to_today() -> None:
    at = start({"overlays": "growth_locations", "statuses": "all", "asof": "2024-01-01"})
    assert at.checkbox(key="w_as_of_on").value is True
    assert str(at.date_input(key="w_as_of").value) == "2024-01-01"
    script = map_args(at)["feature_group"]
    assert "East Birmingham \\u0026 North Solihull" in script or "East Birmingham &amp; North Solihull" in script
    assert "Birmingham Knowledge Quarter" not in script  # its status is dated 2024-06-14
    at.checkbox(key="w_as_of_on").uncheck().run()
    assert not at.exception
    assert "asof" not in at.query_params
    assert "Birmingham Knowledge Quarter" in map_args(at)["feature_group"]


def test_a_bad_as_of_date_in_a_link_is_reported() -> None:
    at = start({"overlays": "growth_locations", "asof": "2024-02-30"})
    assert any("as-of date `2024-02-30`" in i.value for i in at.info), [i.value for i in at.info]
    assert at.checkbox(key="w_as_of_on").value is False


def test_the_ranked_tables_csv_is_made_when_asked_for() -> None:
    at = start({"region": mapkit.ENGLAND, "level": "ward", "indicator": "imd_score"})
    buttons = [b for b in at.get("download_button") if b.proto.label.startswith("Download all 6,817 wards")]
    assert [b.proto.label for b in buttons] == ["Download all 6,817 wards (CSV)",
                                                 "Download all 6,817 wards (Excel, with sources)"]
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons)  # made on the click
