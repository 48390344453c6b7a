"""The interactive map as one standalone HTML file that opens from disk.

:func:`standalone_html` turns any built ``folium.Map`` into the bytes of one page: the map's data and code are
inline, and the only external references are the library assets folium loads from public CDNs (Leaflet, jQuery,
Bootstrap), as on the app's own map. :func:`map_html` is the adapter that builds the app's map for a view with
:func:`mapkit.web.webmap.build_map`, adds the overlays, a title box and the sources.
"""

from __future__ import annotations

import html

import folium
from branca.element import Element

from mapkit.analysis.map_data import MapData
from mapkit.export.wording import source_lines, subtitle, title

TITLE_BOX = (
    '<div class="mapkit-export-title" style="position:fixed;top:10px;left:56px;z-index:1000;max-width:min(60%,640px);'
    "background:rgba(255,255,255,0.94);padding:6px 10px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.3);"
    'font:13px/1.35 system-ui,sans-serif;color:#1a1a1a">'
    '<div style="font-weight:600;font-size:15px">{title}</div><div style="color:#333">{subtitle}</div>'
    '<details style="margin-top:3px;font-size:11px;color:#444"><summary style="cursor:pointer">Sources and '
    "licences</summary>{sources}</details></div>"
)


def title_box(heading: str, sub: str, sources: list[str]) -> str:
    """The title, subtitle and sources as an escaped HTML block fixed at the top left of the page."""
    return TITLE_BOX.format(title=html.escape(heading), subtitle=html.escape(sub),
                            sources="".join(f"<div>{html.escape(line)}</div>" for line in sources))


def standalone_html(m: folium.Map, *, page_title: str = "") -> bytes:
    """One HTML page holding the whole map (UTF-8 bytes), titled ``page_title`` (escaped here)."""
    root = m.get_root()
    if page_title:
        root.title = html.escape(page_title)
    return root.render().encode("utf-8")


def map_html(data: MapData) -> bytes:
    """The app's map of a prepared view (choropleth, parent outlines, overlays and their legend) as HTML."""
    from mapkit.web.overlays import OverlayLegend, overlay_layers
    from mapkit.web.webmap import build_map

    extra = [group for overlay_id, frame in data.overlays.items() if len(frame)
             for group in overlay_layers(frame, overlay_id)]
    m = build_map(data.view, data=data, extra_layers=extra).to_map()
    if extra:
        OverlayLegend([o for o, f in data.overlays.items() if len(f)]).add_to(m)
    heading = title(data)
    m.get_root().html.add_child(Element(title_box(heading, subtitle(data), source_lines(data))))
    return standalone_html(m, page_title=heading)
