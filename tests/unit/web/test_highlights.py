"""web.highlights: an open area's similar areas outlined, numbered and named in a key; the bounds around them."""

from __future__ import annotations

import folium
import pandas as pd
import shapely

import mapkit
from mapkit.analysis.similar import similar_areas
from mapkit.web.highlights import bounds_of, similar_group, similar_key_html

SANDWELL = "E08000028"


def test_the_key_names_each_area_by_its_number_with_text_escaped() -> None:
    table = pd.DataFrame({"rank": [1, 2], "code": ["E08000025", "E08000026"], "name": ["<b>Bold</b>", "Coventry"],
                          "parent": ["West Midlands", None], "similarity": [61.25, 40.0]})
    html = similar_key_html("Sandwell & Co", table)
    assert "Similar to Sandwell &amp; Co" in html and "<b>" not in html
    assert ">1</span><span>&lt;b&gt;Bold&lt;/b&gt; (West Midlands) · 61.2</span>" in html
    assert ">2</span><span>Coventry · 40.0</span>" in html  # no parent: none shown


def test_the_group_outlines_and_numbers_every_similar_area() -> None:
    table = similar_areas(SANDWELL, "lad")
    group = similar_group("lad", "Sandwell", table)
    markers = [c for c in group._children.values() if isinstance(c, folium.Marker)]
    assert len(markers) == len(table) == 10
    shapes = mapkit.load_boundaries("lad").set_index("code").geometry
    for marker, code in zip(markers, table["code"]):
        assert shapes[code].contains(shapely.Point(marker.location[1], marker.location[0]))


def test_bounds_cover_every_area_and_nothing_else() -> None:
    codes = [SANDWELL, "E06000021"]  # Sandwell and Stoke-on-Trent
    (south, west), (north, east) = bounds_of("lad", codes)
    frame = mapkit.load_boundaries("lad").set_index("code").loc[codes]
    assert (west, south, east, north) == tuple(float(v) for v in frame.total_bounds)
    assert bounds_of("lad", ["E99999999"]) is None


def test_on_a_hex_map_similar_areas_are_outlined_and_numbered_on_their_hexagons() -> None:
    from mapkit.data.hexes import hex_layout
    from mapkit.web.elements import AreaLayer
    from mapkit.web.encode import encode_geometry

    table = similar_areas(SANDWELL, "lad")
    hexes = hex_layout("lad", mapkit.ENGLAND)
    group = similar_group("lad", "Sandwell", table, shapes=hexes)
    markers = [c for c in group._children.values() if isinstance(c, folium.Marker)]
    cells = hexes.set_index("code").geometry
    assert len(markers) == len(table) == 10
    for marker, code in zip(markers, table["code"]):
        assert cells[code].contains(shapely.Point(marker.location[1], marker.location[0]))
    outlines = [c for c in group._children.values() if isinstance(c, AreaLayer)]
    assert len(outlines) == 1
    assert outlines[0].geometry.version == encode_geometry(hexes[hexes["code"].isin(list(table["code"]))]).version
