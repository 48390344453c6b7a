"""A user's upload on the web map (mapkit.web.upload_layer): encoded once in the areas' codec, drawn by one canvas
layer, fetched once from its content-hashed file, so a rerun with a 5,000-point upload sends a reference, not 5,000
markers; every text escaped."""

from __future__ import annotations

import json
from pathlib import Path

import folium
import pytest

import upload_fixture
from mapkit import web
from mapkit.data.uploads import read_upload
from mapkit.web.geometry_files import write_geometry
from mapkit.web.upload_layer import UPLOAD_STYLE, encode_upload, upload_layer

from js_decode import decode_payload


def _points(n: int) -> bytes:
    coordinates = [[round(-2.0 + i * 6e-5, 5), round(52.3 + i * 4e-5, 5)] for i in range(n)]
    return json.dumps({"type": "Feature", "properties": {"name": "Sites", "owner": "Council"},
                       "geometry": {"type": "MultiPoint", "coordinates": coordinates}}).encode()


def _squares(n: int) -> bytes:
    features = [{"type": "Feature", "properties": {"name": f"Plot {i}"},
                 "geometry": {"type": "Polygon", "coordinates": [[[x, 52.4], [x + 1e-4, 52.4], [x + 1e-4, 52.4001],
                                                                  [x, 52.4001], [x, 52.4]]]}}
                for i, x in enumerate(round(-2.0 + i * 2e-4, 5) for i in range(n))]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _render(group: folium.FeatureGroup) -> str:
    fmap = folium.Map(tiles=None).add_child(group)
    folium.LayerControl().add_to(fmap)
    return fmap.get_root().render()


def test_the_upload_fixture_is_what_the_python_encoder_writes_today() -> None:
    committed = upload_fixture.FIXTURE.read_text(encoding="utf-8")
    assert committed == upload_fixture.render(), "run: python tests/fixtures/upload_fixture.py"


@pytest.mark.parametrize("data", [_points(5_000), _squares(5_000)], ids=["5,000-point MultiPoint", "5,000 polygons"])
def test_a_held_upload_costs_a_rerun_a_reference_of_the_same_size(data: bytes, tmp_path: Path) -> None:
    """Issue 27: the 79 kB file of 5,000 points was 8-14 MB of map HTML on every rerun."""
    frame = read_upload(data, "big.geojson")
    payload = encode_upload(frame)
    small = encode_upload(read_upload(_points(3), "small.geojson"))
    big_html = _render(upload_layer(frame, "big.geojson", payload=payload, url="/app/static/geometry/x.json"))
    small_html = _render(upload_layer(frame, "big.geojson", payload=small, url="/app/static/geometry/x.json"))
    assert abs(len(big_html) - len(small_html)) <= 4  # only the reference differs
    assert len(big_html) < 40_000  # the runtime and a reference; the shapes are in the file
    assert payload.json not in big_html and "Plot 4999" not in big_html
    assert len(payload.json) < 2 * len(data)  # the shapes once, in the areas' codec
    name = write_geometry(payload, tmp_path)
    assert name == f"{payload.version}.json"
    assert json.loads((tmp_path / name).read_text(encoding="utf-8")) == json.loads(payload.json)


def test_inline_the_page_holds_the_shapes_and_decodes_them_to_the_file() -> None:
    frame = read_upload(_points(50), "a.geojson")
    html = _render(upload_layer(frame, "a.geojson"))
    assert "window.mapkit.uploads.layer(JSON.parse(" in html
    _scale, features = decode_payload(encode_upload(frame).json)
    assert features == [[[[(p.x, p.y)]] for p in frame.geometry[0].geoms]]


def test_the_layer_carries_its_runtime_style_and_an_escaped_name() -> None:
    frame = read_upload(_points(2), "a.geojson")
    html = _render(upload_layer(frame, "<b>sites\u202e.geojson"))
    assert web.static_text("uploads.js") in html and web.static_text("geometry.js") in html
    assert json.dumps(UPLOAD_STYLE, separators=(",", ":")) in html
    assert '"Your layer: \\u0026lt;b\\u0026gt;sites.geojson"' in html  # the layer control's label, escaped
    assert "<b>sites" not in html and "\u202e" not in html


def test_names_and_fields_are_escaped_without_direction_controls() -> None:
    payload = upload_fixture.build()["payload"]
    assert payload["names"][0] == "Park &lt;b&gt;&amp;amp;&lt;/b&gt;"
    assert payload["names"][1] == "Route evil"
    assert payload["details"][0] == [["owner", "&#96;&#36;{alert(1)}&#96;"], ["area", "12.5"]]
    assert payload["details"][2] == [["operator", "&lt;script&gt;x&lt;/script&gt;"]]
