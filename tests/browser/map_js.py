"""Reading a map's areas back, from Leaflet in a browser or from a rendered page's HTML: shared by the tests.

All areas of a view are one layer on one canvas (``mapkit.web.elements.AreaLayer``), so there are no per-area
Leaflet layers or SVG paths to count: each area layer lists ``[code, fill colour]`` of its areas as drawn.
"""

import json
import re

AREAS_JS = """(target) => {
    const map = typeof target === 'string' ? window[target] : window.map;
    const out = [];
    map.eachLayer(l => { if (l.mapkitList && l.options.interactive) { out.push(...l.mapkitList()); } });
    return out;
}"""
"""``[[code, fill], ...]`` of the interactive (choropleth) areas on ``window.map``, or on ``window[target]``."""


def page_data(html: str) -> dict:
    """The per-area arrays (classes, values, ranks) of the first choropleth on a rendered page, with ``fill``:
    each area's colour (``None`` for no data) from its class, as the browser draws it."""
    match = re.search(r"/\*mapkit-data\*/(.*?)/\*end-mapkit-data\*/", html, flags=re.S)
    assert match, "no choropleth data on the page"
    data = json.loads(match.group(1))
    data["fill"] = [None if c is None else data["colours"][c] for c in data["cls"]]
    return data


def page_geometry(html: str) -> dict:
    """The encoded geometry (codes, names, shapes) of the first choropleth on a rendered page."""
    match = re.search(r"window\.mapkit\.areas\(\s*JSON\.parse\((\".*?\")\),\s*/\*mapkit-data", html, flags=re.S)
    assert match, "no encoded geometry on the page"
    return json.loads(json.loads(match.group(1)))
