"""Overlay groups as folium layers: one ``FeatureGroup`` per status, popups, tooltips, zone labels and the key.

Each group is drawn as one ``FeatureGroup`` per status ("Transport schemes — open", ...), so a layer control can
toggle groups and statuses, in the styles of :mod:`mapkit.specs.overlay_styles`. Only core Leaflet objects are used
(``CircleMarker``, ``PolyLine``, a ``DivIcon`` holding inline SVG), so no extra CDN asset is needed.

All text in popups, tooltips and layer names is escaped (:mod:`mapkit.text.markup`); a source opens in a new tab and
only http(s) addresses become links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry.base import BaseGeometry

from mapkit.data.overlays import check_statuses, declarations, overlay_spec, zone_short_name
from mapkit.data.status_dates import stale_note
from mapkit.specs.overlay_styles import (HOLLOW_FILL, LINE_WEIGHT, MARKER_RADIUS, MARKER_SHAPES, SQUARE_SIZE,
                                         STATUS_STYLES, ZONE_WEIGHT, StatusStyle)
from mapkit.specs.registry import LAYERS_DIR, OverlaySpec
from mapkit.text.markup import escape, source_links, table
from mapkit.web.popup import Popup

__all__ = ["OverlayLegend", "legend_html", "overlay_layers", "popup_html", "tooltip_text"]


# --- popups and tooltips ------------------------------------------------------------------------------------------

def _text(props: Mapping[str, Any], key: str) -> str:
    value = props.get(key)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _is_zone(props: Mapping[str, Any]) -> bool:
    return props.get("zone") is True


def _zone_rows(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    names = props.get("ward_names")
    names = list(names) if names is not None and not isinstance(names, str) else []
    count = len(names)
    area = escape(f"{count} May 2024 ward{'s' if count != 1 else ''}: {', '.join(str(n) for n in names)}")
    if props.get("ward_codes_approximate") is True:
        how = (f"<b>approximate area</b>: {escape(_text(props, 'location_note'))}. Ward list: "
               f"{escape(_text(props, 'ward_codes_source'))}")
    else:
        how = f"wards listed by the source: {escape(_text(props, 'ward_codes_source'))}"
    return [("Area", area), ("Ward list", how)]


def popup_html(props: Mapping[str, Any], *, as_of: dt.date | None = None, layers_dir: Path = LAYERS_DIR) -> str:
    """Name, type, status with its date (flagged when over a year old), district, location or area, notes and
    source links, all escaped. ``as_of``: the date stale statuses are judged against (default today)."""
    known = declarations(layers_dir)
    scheme = known.status
    category = _text(props, "status_category") or scheme.fallback
    status = f"<b>{escape(scheme.labels.get(category, category))}</b>: {escape(_text(props, 'status'))}"
    if _text(props, "status_date"):
        status += f" (status date: {escape(_text(props, 'status_date'))})"
        stale = stale_note(_text(props, "status_date"), as_of)
        if stale:
            status += f'<br><span class="mapkit-stale" style="color:#8a1c00">&#9888; {escape(stale)}</span>'
    else:
        status += " (no status date in the research)"
    location = f"confidence {escape(_text(props, 'confidence') or 'not stated')}"
    if props.get("approximate_location") is True:
        location = f"<b>approximate location</b> ({escape(_text(props, 'location_note'))}); {location}"
    links = source_links(_text(props, "source_title"), _text(props, "source_url"))
    kind = known.subtype_label(_text(props, "subtype"))
    rows = [
        ("Type", escape(f"{kind} (drawn as its wards)" if _is_zone(props) else kind)),
        ("Status", status),
        ("District", escape(_text(props, "lad"))),
        *(_zone_rows(props) if _is_zone(props) else [("Location", location)]),
        ("Line", escape(f"schematic: {_text(props, 'schematic_note')}") if props.get("schematic") is True else ""),
        ("Notes", escape(_text(props, "notes"))),
        ("Sources" if len(links) > 1 else "Source", "<br>".join(links)),
    ]
    return (f'<div class="mapkit-overlay-popup" style="font:13px/1.35 sans-serif;max-width:340px">'
            f'<div style="font-weight:bold;margin-bottom:4px">{escape(_text(props, "name"))}</div>'
            f"{table(rows)}</div>")


def tooltip_text(props: Mapping[str, Any]) -> str:
    """The name, plus "(approximate location)" or "(approximate area)" when so; escaped."""
    name = _text(props, "name")
    if props.get("approximate_location") is True:
        name += " (approximate area)" if _is_zone(props) else " (approximate location)"
    return escape(name)


# --- drawing ------------------------------------------------------------------------------------------------------

def _cap(dash: str | None) -> str:
    """Round caps turn a "1 n" pattern into dots; other patterns keep square ends so dashes stay distinct."""
    return "round" if dash and dash.startswith("1 ") else "butt"


def _square_svg(style: StatusStyle, size: int = SQUARE_SIZE) -> str:
    fill = HOLLOW_FILL if style.hollow else style.colour
    opacity = 0.9 if style.hollow else style.fill_opacity
    dash = f' stroke-dasharray="{style.outline_dash}"' if style.outline_dash else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
            f'<rect x="2" y="2" width="{size - 4}" height="{size - 4}" fill="{fill}" fill-opacity="{opacity}" '
            f'stroke="{style.colour}" stroke-width="3" stroke-linecap="{_cap(style.outline_dash)}"{dash}/></svg>')


def _marker(props: Mapping[str, Any], location: Sequence[float], style: StatusStyle, shape: str,
            popup: str) -> folium.map.Layer:
    tooltip = folium.Tooltip(tooltip_text(props))
    if shape == "square":
        icon = folium.DivIcon(html=_square_svg(style), icon_size=(SQUARE_SIZE, SQUARE_SIZE),
                              icon_anchor=(SQUARE_SIZE // 2, SQUARE_SIZE // 2), class_name="mapkit-overlay-square")
        return folium.Marker(location=location, icon=icon, popup=Popup(popup, max_width=360), tooltip=tooltip)
    return folium.CircleMarker(
        location=location, radius=MARKER_RADIUS, color=style.colour, weight=3, dash_array=style.outline_dash,
        line_cap=_cap(style.outline_dash),
        fill=True, fill_color=HOLLOW_FILL if style.hollow else style.colour,
        fill_opacity=0.9 if style.hollow else style.fill_opacity,
        popup=Popup(popup, max_width=360), tooltip=tooltip,
    )


def _line(props: Mapping[str, Any], coords: Sequence[Sequence[float]], style: StatusStyle,
          popup: str) -> folium.PolyLine:
    return folium.PolyLine(
        locations=[(lat, lon) for lon, lat, *_ in coords], color=style.colour, weight=LINE_WEIGHT, opacity=0.9,
        dash_array=style.line_dash, line_cap=_cap(style.line_dash),
        popup=Popup(popup, max_width=360), tooltip=folium.Tooltip(tooltip_text(props)),
    )


ZONE_LABEL_CSS = ("font:bold 10px/1.1 sans-serif;color:#1a1a1a;text-align:center;pointer-events:none;"
                  "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;white-space:normal;width:160px")


def _zone(props: Mapping[str, Any], geometry: BaseGeometry, style: StatusStyle, popup: str) -> folium.GeoJson:
    """A zone as its outline only (no fill, so the choropleth reads through and stays clickable), dashed by
    status like a line, with its name as a permanent label at its centre."""
    stroke = {"color": style.colour, "weight": ZONE_WEIGHT, "opacity": 0.95, "fill": False,
              "dashArray": style.line_dash, "lineCap": _cap(style.line_dash)}
    shape = folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": geometry.__geo_interface__},
        style_function=lambda _feature, stroke=stroke: stroke, highlight_function=None,
        popup=Popup(popup, max_width=360, max_height=320), tooltip=None, control=False, zoom_on_click=False,
    )
    return shape


def zone_label(text: str, geometry: BaseGeometry) -> folium.Marker:
    """A zone's name at a point inside it (``representative_point``), as small haloed text (not clickable)."""
    spot = geometry.representative_point()
    label = f'<div class="mapkit-zone-label" style="{ZONE_LABEL_CSS}">{escape(text)}</div>'
    icon = folium.DivIcon(html=label, icon_size=(160, 30), icon_anchor=(80, 15), class_name="mapkit-zone-label-icon")
    return folium.Marker(location=(spot.y, spot.x), icon=icon, interactive=False)


def zone_labels(frame: gpd.GeoDataFrame, name: str, *, show: bool = True) -> folium.FeatureGroup | None:
    """One label per distinct zone area in ``frame`` (zones over the same wards share it, names joined)."""
    if "zone" not in frame.columns:
        return None
    areas: dict[tuple[str, ...], tuple[BaseGeometry, list[str]]] = {}
    for props in frame[frame["zone"].eq(True)].to_dict(orient="records"):
        key = tuple(sorted(props.get("ward_codes") or ()))
        text = zone_short_name(_text(props, "name"))
        geometry, names = areas.setdefault(key, (props["geometry"], []))
        if text not in names:
            names.append(text)
    if not areas:
        return None
    group = folium.FeatureGroup(name=escape(name), show=show)
    for geometry, names in areas.values():
        zone_label(" / ".join(names), geometry).add_to(group)
    return group


def group_name(spec: OverlaySpec, category: str, *, layers_dir: Path = LAYERS_DIR) -> str:
    """The layer-control name, e.g. "Transport schemes — open"."""
    label = declarations(layers_dir).status.labels.get(category, category)
    return escape(f"{spec.label} — {label.lower()}")


def _draw_order(geometry: BaseGeometry) -> int:
    return {"MultiPolygon": 0, "Polygon": 0, "LineString": 1}.get(geometry.geom_type, 2)


def overlay_layers(frame: gpd.GeoDataFrame, overlay: str | OverlaySpec, *, show: bool = True,
                   as_of: dt.date | None = None, layers_dir: Path = LAYERS_DIR) -> list[folium.FeatureGroup]:
    """One ``FeatureGroup`` per status present in ``frame`` (in status order): zones first, lines, then markers.

    ``as_of`` is the date popups judge stale statuses against (default today)."""
    spec = overlay_spec(overlay, layers_dir)
    scheme = declarations(layers_dir).status
    shape = MARKER_SHAPES.get(spec.id, "circle")
    groups = []
    for category in scheme.order:
        subset = frame[frame["status_category"] == category]
        if subset.empty:
            continue
        style = STATUS_STYLES[category]
        group = folium.FeatureGroup(name=group_name(spec, category, layers_dir=layers_dir), show=show)
        records = subset.to_dict(orient="records")
        for props in sorted(records, key=lambda r: _draw_order(r["geometry"])):
            popup = popup_html(props, as_of=as_of, layers_dir=layers_dir)
            geometry = props.pop("geometry")
            if geometry.geom_type in ("MultiPolygon", "Polygon"):
                _zone(props, geometry, style, popup).add_to(group)
            elif geometry.geom_type == "LineString":
                _line(props, list(geometry.coords), style, popup).add_to(group)
            elif geometry.geom_type == "Point":
                _marker(props, (geometry.y, geometry.x), style, shape, popup).add_to(group)
        groups.append(group)
    labels = zone_labels(frame, f"{spec.label} — zone names", show=show)
    if labels is not None:
        groups.append(labels)
    return groups


# --- legend -------------------------------------------------------------------------------------------------------

def _line_sample(style: StatusStyle) -> str:
    dash = f' stroke-dasharray="{style.line_dash}"' if style.line_dash else ""
    cap = _cap(style.line_dash)
    return (f'<svg width="34" height="12"><line x1="2" y1="6" x2="32" y2="6" stroke="{style.colour}" '
            f'stroke-width="{LINE_WEIGHT}" stroke-linecap="{cap}"{dash}/></svg>')


def _zone_sample(style: StatusStyle) -> str:
    dash = f' stroke-dasharray="{style.line_dash}"' if style.line_dash else ""
    return (f'<svg width="20" height="16"><rect x="2" y="2" width="16" height="12" fill="none" '
            f'stroke="{style.colour}" stroke-width="{ZONE_WEIGHT}" stroke-linecap="{_cap(style.line_dash)}"{dash}/>'
            f'</svg>')


def _circle_sample(style: StatusStyle) -> str:
    dash = f' stroke-dasharray="{style.outline_dash}"' if style.outline_dash else ""
    fill = HOLLOW_FILL if style.hollow else style.colour
    opacity = 0.9 if style.hollow else style.fill_opacity
    return (f'<svg width="18" height="18"><circle cx="9" cy="9" r="{MARKER_RADIUS}" fill="{fill}" '
            f'fill-opacity="{opacity}" stroke="{style.colour}" stroke-width="3" '
            f'stroke-linecap="{_cap(style.outline_dash)}"{dash}/></svg>')


def legend_html(overlay_ids: Sequence[str] | None = None, *, statuses: Sequence[str] | None = None,
                collapsible: bool = False, folded: bool = False, layers_dir: Path = LAYERS_DIR) -> str:
    """The overlay legend: one row per status (line, circle and square samples), then what shapes mean.

    ``statuses`` limits the rows to the categories drawn (default all); ``collapsible`` makes the title a
    ``<details>`` summary, so a user can fold the key away on a small map (``folded``: it starts folded).
    """
    known = declarations(layers_dir)
    ids = list(overlay_ids) if overlay_ids is not None else list(known.overlays)
    shapes = {MARKER_SHAPES.get(i, "circle") for i in ids}
    has_lines = any("LineString" in known.overlay(i).geometry_types for i in ids)
    has_zones = any("MultiPolygon" in known.overlay(i).geometry_types for i in ids)
    rows = []
    shown = known.status.order if statuses is None else check_statuses(statuses, known)
    for category in (c for c in known.status.order if c in shown):
        style = STATUS_STYLES[category]
        samples = [_line_sample(style)] if has_lines else []
        if has_zones:
            samples.append(_zone_sample(style))
        if "circle" in shapes:
            samples.append(_circle_sample(style))
        if "square" in shapes:
            samples.append(_square_svg(style, 18))
        hollow = " (hollow)" if style.hollow else ""
        rows.append(f'<div style="display:flex;align-items:center;gap:4px;margin:2px 0">{"".join(samples)}'
                    f"<span>{escape(known.status.label(category) + hollow)}</span></div>")
    notes = []
    for overlay_id in ids:
        spec = known.overlay(overlay_id)
        shape = MARKER_SHAPES.get(overlay_id, "circle")
        notes.append(f"{'Squares' if shape == 'square' else 'Circles'}: {spec.label.lower()}")
    notes.append("Squares and corridor anchors mark approximate locations")
    if has_zones:
        notes.append("Outlined areas: zones and corridors drawn as the May 2024 wards the research names (outline "
                     "dashed by status); the popup says when the ward list is approximate")
    if has_lines:
        notes.append("Lines are schematic: straight segments between stops, not track alignment")
    note_html = "".join(f'<div style="margin-top:2px">{escape(n)}.</div>' for n in notes)
    body = f'{"".join(rows)}<div style="color:#333;margin-top:4px">{note_html}</div>'
    if collapsible:
        body = (f'<details{"" if folded else " open"}><summary style="cursor:pointer;font-weight:bold;'
                f'margin-bottom:2px">Overlays: status</summary>{body}</details>')
    else:
        body = f'<div style="font-weight:bold;margin-bottom:2px">Overlays: status</div>{body}'
    return (f'<div class="mapkit-overlay-legend" style="background:rgba(255,255,255,0.92);padding:6px 8px;'
            f'font:12px/1.3 sans-serif;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.3);max-width:260px">'
            f"{body}</div>")


class OverlayLegend(MacroElement):
    """A Leaflet control holding :func:`legend_html`; add it to a map made by :func:`mapkit.web.webmap.base_map`
    (its script calls ``window.mapkit.control``, sent with that map)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = window.mapkit.control({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, overlay_ids: Sequence[str] | None = None, *, position: str = "bottomleft",
                 layers_dir: Path = LAYERS_DIR) -> None:
        super().__init__()
        self._name = "OverlayLegend"
        self.position = position
        self.html = legend_html(overlay_ids, layers_dir=layers_dir)
        self.config = {"html": self.html, "position": position, "className": "mapkit-overlay-legend-control"}
