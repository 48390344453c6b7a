"""Overlay layers on the map, tested without a browser: escaped popups, safe links, status styles, filters."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from mapkit.errors import UnknownNameError
from mapkit.specs.registry import overlay_declarations
from mapkit.text.markup import escape, link, safe_url, source_links
from mapkit.data.overlays import feature_labels, filter_overlay, load_overlay, not_mapped, overlay_in_region
from mapkit.specs.overlay_styles import STATUS_STYLES
from mapkit.web.overlays import OverlayLegend, group_name, legend_html, overlay_layers, popup_html, tooltip_text

SCHEME = overlay_declarations().status
EVIL = "<script>alert('x')</script>"


def _props(**changes):
    props = {
        "name": "Test stop", "subtype": "metro_stop", "status": "under construction (phase 1)",
        "status_category": "under construction", "status_date": "2026", "confidence": "medium",
        "approximate_location": True, "location_note": "proxy point", "lad": "Dudley", "schematic": False,
        "notes": "A note.", "source_title": "Source one ; Source two",
        "source_url": "https://one.example/a ; http://two.example/b",
    }
    props.update(changes)
    return props


def _render(*children) -> str:
    fmap = folium.Map(location=(52.5, -1.9), zoom_start=10, tiles=None)
    for child in children:
        child.add_to(fmap)
    return fmap.get_root().render()


def _hrefs(html: str) -> list[str]:
    return re.findall(r"<a [^>]*>", html)


# --- popups -----------------------------------------------------------------------------------------------------

def test_popup_shows_name_type_status_date_district_confidence_and_sources():
    html = popup_html(_props())
    for text in ("Test stop", "Metro stop", "Under construction", "under construction (phase 1)",
                 "status date: 2026", "Dudley", "confidence medium", "approximate location", "A note."):
        assert text in html
    assert [re.search(r'href="([^"]+)"', a).group(1) for a in _hrefs(html)] == [
        "https://one.example/a", "http://two.example/b"]


@pytest.mark.parametrize("field", ["name", "notes", "lad", "status", "status_date", "source_title", "location_note"])
def test_popup_escapes_script_in_every_text_field(field):
    html = popup_html(_props(**{field: EVIL}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_script_name_renders_as_text_in_the_whole_map():
    frame = gpd.GeoDataFrame([_props(name=EVIL, id="x", line_id="")], geometry=[Point(-1.9, 52.5)], crs="EPSG:4326")
    html = _render(*overlay_layers(frame, "transport_schemes"))
    assert EVIL not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html  # popup and tooltip


@pytest.mark.parametrize("name", ["a`b", "${alert(1)}", "back\\slash", "</script><script>alert(1)</script>"])
def test_text_cannot_break_out_of_folium_js_template_literals(name):
    text = escape(name)
    assert not set("`$\\<>") & set(text)
    frame = gpd.GeoDataFrame([_props(name=name, id="x", line_id="")], geometry=[Point(-1.9, 52.5)], crs="EPSG:4326")
    assert name not in _render(*overlay_layers(frame, "transport_schemes"))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                                 "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)", "//evil.example/x", "/relative/path", "ftp://files.example/",
                                 "https://", "http://exa mple.org/"])
def test_non_http_url_is_not_rendered_as_a_link(url):
    assert safe_url(url) is None
    html = popup_html(_props(source_title="Bad", source_url=url))
    assert "<a " not in html and "href" not in html
    assert "Bad" in html


@pytest.mark.parametrize("url", ["http://example.org/a?b=1&c=2", "https://example.org/path;x", "HTTPS://EXAMPLE.ORG"])
def test_http_links_open_in_a_new_tab(url):
    (anchor,) = _hrefs(link(url, "Title"))
    assert 'target="_blank"' in anchor and 'rel="noopener noreferrer"' in anchor
    assert f'href="{escape(url)}"' in anchor


def test_each_of_several_source_urls_is_rendered():
    links = source_links("A ; B ; C", "https://a.example ; javascript:alert(1) ; http://c.example")
    assert len(links) == 3
    assert links[0].startswith('<a href="https://a.example"') and links[2].startswith('<a href="http://c.example"')
    assert links[1] == "B"


def test_titles_and_urls_of_different_counts_are_all_shown():
    links = source_links("Only title", "https://a.example ; https://b.example")
    assert links[0] == "Only title" and len(_hrefs("".join(links))) == 2


def test_tooltip_marks_approximate_locations_and_escapes():
    assert tooltip_text(_props(name="<b>Zone</b>")) == "&lt;b&gt;Zone&lt;/b&gt; (approximate location)"
    assert tooltip_text(_props(name="Stop", approximate_location=False)) == "Stop"


def test_schematic_line_popup_says_so():
    html = popup_html(_props(subtype="line", schematic=True,
                             schematic_note="straight segments between stops, not track alignment"))
    assert "schematic: straight segments between stops, not track alignment" in html


# --- styles -----------------------------------------------------------------------------------------------------

def test_every_status_has_a_style():
    assert set(STATUS_STYLES) == set(SCHEME.order)


def test_line_dash_differs_by_status():
    dashes = [STATUS_STYLES[c].line_dash for c in SCHEME.order]
    assert len(set(dashes)) == len(dashes)


def test_marker_outline_and_fill_differ_by_status_without_colour():
    looks = [(STATUS_STYLES[c].outline_dash, STATUS_STYLES[c].hollow, STATUS_STYLES[c].fill_opacity > 0.5)
             for c in SCHEME.order]
    assert len(set(looks)) == len(looks)
    assert [STATUS_STYLES[c].hollow for c in ("planned", "proposed")] == [True, True]
    assert [STATUS_STYLES[c].hollow for c in ("open", "under construction")] == [False, False]


def _one_of_each_status() -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for i, category in enumerate(SCHEME.order):
        for geom in (LineString([(-1.9, 52.4 + i / 100), (-1.8, 52.4 + i / 100)]), Point(-1.85, 52.4 + i / 100)):
            rows.append(_props(name=f"{category} {geom.geom_type}", status_category=category, id=f"{i}{geom.geom_type}",
                               schematic=geom.geom_type == "LineString", line_id=""))
            geoms.append(geom)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def test_rendered_layers_carry_each_status_dash_pattern():
    groups = overlay_layers(_one_of_each_status(), "transport_schemes")
    assert [g.layer_name for g in groups] == [group_name(overlay_declarations().overlay("transport_schemes"), c)
                                               for c in SCHEME.order]
    assert groups[0].layer_name == "Transport schemes — open"
    for group, category in zip(groups, SCHEME.order):
        html = _render(group)
        style = STATUS_STYLES[category]
        if style.line_dash:
            assert f'"dashArray": "{style.line_dash}"' in html
        if style.outline_dash:
            assert f'"dashArray": "{style.outline_dash}"' in html
        if category == "open":
            assert set(re.findall(r'"dashArray": ("[^"]*"|null)', html)) == {"null"}
        fill = "#ffffff" if style.hollow else style.colour
        assert f'"fillColor": "{fill}"' in html


def test_growth_locations_are_squares_not_polygons():
    frame = _one_of_each_status()
    frame = frame[frame.geom_type == "Point"]
    html = _render(*overlay_layers(frame, "growth_locations"))
    assert html.count("L.divIcon") == len(frame) and html.count("\\u003crect") == len(frame)
    assert '"className": "mapkit-overlay-square"' in html and "L.polygon" not in html
    assert "L.circleMarker" not in html


def test_only_statuses_present_get_a_layer():
    frame = _one_of_each_status()
    groups = overlay_layers(frame[frame["status_category"] == "planned"], "transport_schemes")
    assert [g.layer_name for g in groups] == ["Transport schemes — planned"]


def test_legend_names_every_status_and_the_schematic_note():
    html = _render(OverlayLegend())
    for category in SCHEME.order:
        assert SCHEME.label(category) in html
    assert "straight segments between stops, not track alignment" in html
    assert "window.mapkit.control(" in html and '"className": "mapkit-overlay-legend-control"' in html


def test_legend_can_show_only_the_statuses_drawn_and_fold():
    html = legend_html(["transport_schemes"], statuses=["open", "planned"], collapsible=True, folded=True)
    assert ">Open<" in html and ">Planned (hollow)<" in html
    assert "Under construction" not in html and "Status unclear" not in html
    assert "<details><summary" in html and "Overlays: status</summary>" in html
    assert "<details open>" in legend_html(collapsible=True)
    assert "<details" not in legend_html()
    with pytest.raises(UnknownNameError, match="Unknown overlay status"):
        legend_html(statuses=["closed"])


# --- filters ----------------------------------------------------------------------------------------------------

def test_filter_by_region_keeps_features_within_the_buffer():
    # A 0.1 degree square; points inside, ~1 km outside and ~7 km outside.
    region = box(-1.9, 52.4, -1.8, 52.5)
    frame = gpd.GeoDataFrame({"name": ["in", "near", "far", "line across"],
                              "status_category": ["open", "planned", "open", "planned"]},
                             geometry=[Point(-1.85, 52.45), Point(-1.785, 52.45), Point(-1.7, 52.45),
                                       LineString([(-2.0, 52.45), (-1.95, 52.45), (-1.7, 52.45)])], crs="EPSG:4326")
    assert filter_overlay(frame, region=region)["name"].tolist() == ["in", "near", "line across"]
    assert filter_overlay(frame, region=region, buffer_m=0)["name"].tolist() == ["in", "line across"]
    assert filter_overlay(frame, statuses=["planned"])["name"].tolist() == ["near", "line across"]
    assert filter_overlay(frame, region=region, statuses=[])["name"].tolist() == []


def test_unknown_status_is_refused():
    with pytest.raises(UnknownNameError, match="Unknown overlay status \\['closed'\\]: use open, under construction"):
        filter_overlay(load_overlay("transport_schemes"), statuses=["closed"])


def test_west_midlands_transport_excludes_other_regions():
    frame = overlay_in_region("transport_schemes", "E47000007")
    assert set(frame["ca"]) == {"WMCA"}
    assert (frame["line_id"] == "WMM_L1").sum() == 32  # 31 stops and the line itself
    everywhere = load_overlay("transport_schemes")
    assert set(everywhere["ca"]) == {"WMCA", "GMCA", "LCRCA", "SYMCA", "WYCA", "NECA"}


def test_not_mapped_list_is_loaded_with_reasons():
    table = not_mapped("growth_locations")
    assert len(table) > 0 and table["reason"].str.len().gt(0).all()


@pytest.mark.parametrize(("region", "check"), [
    ("E47000007", lambda t: set(t["ca"]) == {"WMCA"}),  # West Midlands Combined Authority
    ("E08000026", lambda t: t["lad"].str.contains("Coventry").all()),  # Coventry, also "Coventry; Rugby (Ansty)"
    ("E08000018", lambda t: t["lad"].str.contains("Rotherham").all()),  # Rotherham (Northumberland has none left)
])
def test_not_mapped_list_is_kept_to_a_region(region, check):
    everywhere = not_mapped("transport_schemes")
    table = not_mapped("transport_schemes", region=region)
    assert 0 < len(table) < len(everywhere) and check(table)


def test_not_mapped_list_of_a_district_matches_every_district_of_a_row():
    rows = not_mapped("transport_schemes", region="E07000220")  # Rugby: only as "Coventry; Rugby (Ansty)"
    assert len(rows) > 0 and rows["lad"].str.startswith("Coventry; Rugby").all()
    assert not_mapped("transport_schemes", region="E06000001").empty  # Hartlepool: nothing researched


def test_unknown_overlay_is_refused():
    with pytest.raises(UnknownNameError, match="Unknown overlay 'rivers': use one of growth_locations"):
        load_overlay("rivers")


def test_feature_labels_name_kind_and_status():
    frame = overlay_in_region("transport_schemes", "E47000007")
    labels = dict(zip(frame["name"], feature_labels(frame)))
    assert labels["New rail station: Moseley Village"] == "New rail station: Moseley Village (Rail station; open)"
    assert all(label.endswith(")") and "; " in label for label in labels.values())
