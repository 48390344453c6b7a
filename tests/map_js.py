"""JavaScript that reads a map's areas back from Leaflet, shared by the browser tests.

All areas of a view are one layer on one canvas (``mapkit.choropleth.AreaLayer``), so there are no per-area
Leaflet layers or SVG paths to count: each area layer lists ``[code, fill colour]`` of its areas as drawn.
"""

AREAS_JS = """(target) => {
    const map = typeof target === 'string' ? window[target] : window.map;
    const out = [];
    map.eachLayer(l => { if (l.mapkitList && l.options.interactive) { out.push(...l.mapkitList()); } });
    return out;
}"""
"""``[[code, fill], ...]`` of the interactive (choropleth) areas on ``window.map``, or on ``window[target]``."""
