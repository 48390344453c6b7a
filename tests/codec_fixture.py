"""The fixture of the geometry codec: shapes encoded by Python, decoded by the browser's JavaScript in tests/js/.

``python tests/codec_fixture.py`` writes ``tests/fixtures/codec.json``; ``tests/test_web_runtime.py`` rebuilds it
in memory and fails when the committed file is out of date, so the encoder (:func:`mapkit.web.encode.encode_geometry`)
and the decoder (``mapkit/web/static/geometry.js``) cannot drift apart unnoticed.

The file holds the payload exactly as the map receives it and, per area, the encoder's input on the grid: the
vertices of :func:`mapkit.web.encode.on_grid` as integers of ``1 / scale`` degree, ``[area][polygon][ring][vertex]``,
rings without their closing vertex. The shapes are synthetic, chosen for the cases the format must get right.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mapkit.web.encode import SCALE, encode_geometry, on_grid  # noqa: E402

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "codec.json"

AREAS: list[tuple[str, str, object]] = [
    ("hole", "Square with a hole", Polygon(box(-2, 52, -1.9, 52.1).exterior.coords,
                                           [box(-1.97, 52.03, -1.93, 52.07).exterior.coords])),
    ("parts", "Two parts", MultiPolygon([box(-1.9, 52, -1.8, 52.1), box(-1.7, 52.2, -1.6, 52.3)])),
    ("west", "Off-grid vertices", Polygon([(-5.712344, 50.067891), (-5.500004, 50.300006), (-5.6, 49.950001)])),
    ("far", "Long varints, southern hemisphere", Polygon([(179.5, -10.0), (179.99999, -10.0), (179.99999, -9.5)])),
    ("sliver", "Collapses on the grid", Polygon([(0.0, 0.0), (1.0, 0.0), (1.0, 0.000001), (0.0, 0.000001)])),
    ("touch", "Ring touching itself once rounded", Polygon([(1.0, 1.0), (1.001, 1.0), (1.0005, 1.000004),
                                                            (1.001, 1.001), (1.0, 1.001), (1.0005, 1.000006)])),
]
"""(code, name, shape): a hole, a multipolygon, rounding, large deltas and negative numbers, a part that rounding
collapses (drawn as nothing) and a ring that rounding makes touch itself (split by :func:`on_grid`)."""


def grid_vertices(geometry: object) -> list[list[list[list[int]]]]:
    """``[polygon][ring][vertex] -> [x, y]`` in integers of ``1 / SCALE`` degree, without closing vertices."""
    out = []
    for part in shapely.get_parts(geometry):
        if part.is_empty:
            continue
        rings = [np.round(shapely.get_coordinates(ring)[:-1] * SCALE).astype(int).tolist()
                 for ring in shapely.get_rings(part)]
        out.append(rings)
    return out


def build() -> dict:
    """The fixture's content."""
    frame = gpd.GeoDataFrame({"code": [a[0] for a in AREAS], "name": [a[1] for a in AREAS]},
                             geometry=[a[2] for a in AREAS], crs=4326)
    payload = json.loads(encode_geometry(frame).json)
    expected = [grid_vertices(g) for g in on_grid(frame.geometry.values)]
    return {"about": "Written by tests/codec_fixture.py; do not edit.", "payload": payload, "expected": expected}


def render() -> str:
    """The fixture file's text."""
    return json.dumps(build(), separators=(",", ":")) + "\n"


if __name__ == "__main__":
    FIXTURE.write_text(render(), encoding="utf-8")
    print(f"wrote {FIXTURE.relative_to(ROOT)}")
