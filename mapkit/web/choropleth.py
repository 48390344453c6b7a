"""A :class:`mapkit.view.View` -> its web map (:func:`build_map`), for the app, the HTML export and the benchmarks.

The choropleth is composed like folium's own: a feature group holding the areas (:class:`~mapkit.web.elements
.AreaLayer`, colours and tooltips as per-area arrays from :func:`choropleth_data`) and their legend
(:func:`legend_html`), then the parent outlines, then the caller's layers (overlays, uploads).

* Only the properties the map needs are sent, as parallel arrays (names once with the geometry, see
  :mod:`mapkit.web.encode`; per indicator just fill colours, formatted values, ranks, deciles and notes), instead of
  a GeoJSON property dict per area.
* In the browser all areas of a view are one Leaflet layer on one canvas, drawn from vertices decoded and
  projected once (vertices closer than a pixel skipped), once the map is fitted; hover and click are found with a
  grid index and a point-in-polygon test. Thousands of Leaflet polygons (one per area) took most of the first
  draw at England scale.
* Every text that reaches HTML (labels, notes, sources) is escaped with :func:`html.escape`.

The base map (tiles, bounds, styles) is kept apart from the layers so that the app can hand the layers to
streamlit-folium as ``feature_group_to_add``: an indicator change then swaps layers inside the already-loaded map
instead of reloading it.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any, Callable, Iterable, Literal, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from mapkit.specs.basemaps import BASEMAPS
from mapkit.analysis.classify import NO_DATA, Classification
from mapkit.specs.classes import SCHEMES
from mapkit.data.hexes import hex_layout
from mapkit.data.products import load_boundaries
from mapkit.errors import UnknownNameError
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.specs.palettes import NoDataStyle, Ramp, class_colours
from mapkit.data.postcodes import lookup
from mapkit.analysis.map_data import MapData, prepare
from mapkit.analysis.ranking import rank_in_region
from mapkit.text.ranks import colour_key, decile_hint, rank_hint, rank_one
from mapkit.view import View
from mapkit.web.elements import (AREA_LINE, AREA_LINE_DENSE, AreaLayer, FitRegion, FocusWithoutScroll, Legend, MapStyle,
                                 stable_ids, tile_layer)
from mapkit.web.encode import (PARENT_OUTLINE, GeometryPayload, area_geometry, display_text, encode_geometry,
                               outline_geometry)
from mapkit.web import hexmap
from mapkit.web.bivariate import versus_arrays, versus_legend_html
from mapkit.web.marker import postcode_layer
from mapkit.text.wording import publisher_short, tooltip_unit

OUTLINE_STYLE = {"color": "#1a1a1a", "weight": 1.6, "opacity": 0.9, "fill": False}
OUTLINE_STYLE_DENSE = {"color": "#1a1a1a", "weight": 0.8, "opacity": 0.8, "fill": False}
COMPARE_STYLE = {"color": "#0a58ca", "weight": 3.2, "opacity": 1.0, "fill": False}
SIMILAR_STYLE = {"color": "#c2185b", "weight": 2.6, "opacity": 1.0, "fill": False}
"""Outlines of the areas being compared (blue) and of an area's similar areas (magenta); both read on every
palette, including greyscale, by their weight."""
LEGEND_ONE_COLUMN = 6
"""Legends with more classes than this list them in two columns, so a decile legend leaves room for the region."""
DENSE_AREAS, DENSE_OUTLINES = 2_000, 50
"""Above these counts (England's wards, its districts) lines are thinner so that small urban areas keep their
colour at national scale instead of turning into white edges."""
MAP_ASSETS = frozenset({"leaflet", "leaflet_css"})
"""folium's default scripts and stylesheets that these maps use. The others (jQuery, Bootstrap, Font Awesome,
glyphicons, awesome-markers) serve folium features not used here (overlays are DivIcon squares and circle markers,
popups are :class:`mapkit.web.popup.Popup`) and cost eight requests and their parsing before the map can draw."""


@dataclasses.dataclass(frozen=True)
class MapText:
    """Wording that depends on where the map is: names for the region and the level, and source lines."""

    region_label: str
    level_plural: str
    source_short: str
    source_licence: str


def map_text(spec: IndicatorSpec, level: str, region_label: str) -> MapText:
    """The :class:`MapText` of an indicator shown at ``level`` in a region."""
    source = registry().sources[spec.source]
    return MapText(region_label=region_label, level_plural=registry().boundary(level).plural,
                   source_short=f"{publisher_short(source.publisher)}, {source.title}",
                   source_licence=source.licence)


def _int_or_none(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def choropleth_data(frame: pd.DataFrame, spec: IndicatorSpec, classification: Classification,
                    colours: Sequence[str], no_data: NoDataStyle, text: MapText, *,
                    order: Sequence[str], selected: str | None = None) -> dict[str, Any]:
    """Per-area arrays for the browser, aligned with ``order`` (the geometry's codes); all text escaped.

    Areas of ``order`` missing from ``frame`` are drawn as no data. Each area's colour is sent as its class
    (``cls``, an index into ``colours``; ``None`` for no data) and the rank in England (``re``) is left out
    (``None``) when the region is England, where the tooltip shows the regional rank only: an England LSOA map's
    arrays are then about half the size.
    """
    table = pd.DataFrame({
        "value": pd.to_numeric(frame["value"], errors="coerce").to_numpy(),
        "cls": classification.classes,
        "rank": frame["rank"].to_numpy() if "rank" in frame else np.nan,
        "n_ranked": frame["n_ranked"].to_numpy() if "n_ranked" in frame else np.nan,
        "decile": frame["decile"].to_numpy() if "decile" in frame else np.nan,
        "note": frame["note"].to_numpy() if "note" in frame else "",
    }, index=pd.Index(frame["code"].astype(str), name="code"))
    table["rank_region"] = rank_in_region(table["value"], table["rank"] if "rank" in frame else None,
                                          spec.higher_is)
    table = table.reindex(list(order))
    table["cls"] = table["cls"].fillna(NO_DATA).astype(int)
    notes = [""]
    note_index: dict[str, int] = {"": 0}
    note_ids = []
    for note in table["note"]:
        shown = display_text(note)
        if shown not in note_index:
            note_index[shown] = len(notes)
            notes.append(shown)
        note_ids.append(note_index[shown])
    n_england = pd.to_numeric(table["n_ranked"], errors="coerce").max()
    in_england = text.region_label == "England"  # the tooltip shows one rank there, the regional one
    return {
        "label": html.escape(spec.label),
        "unit": html.escape(tooltip_unit(spec)),
        "regionLabel": html.escape(text.region_label),
        "rankHint": html.escape(rank_hint(spec)),
        "decileHint": html.escape(decile_hint(spec, text.level_plural)),
        "source": html.escape(f"Source: {text.source_short}; {spec.period}"),
        "nRegion": int(table["value"].notna().sum()),
        "nEngland": None if pd.isna(n_england) else int(n_england),
        "colours": list(colours),
        "cls": [None if c == NO_DATA else int(c) for c in table["cls"]],
        "value": [html.escape(spec.format_value(None if pd.isna(v) else float(v))) for v in table["value"]],
        "rr": [_int_or_none(v) for v in table["rank_region"]],
        "re": None if in_england else [_int_or_none(v) for v in table["rank"]],
        "dec": [_int_or_none(v) for v in table["decile"]],
        "note": note_ids,
        "notes": notes,
        "noData": dataclasses.asdict(no_data),
        "selected": order.index(selected) if selected in order else None,
    }


def legend_html(spec: IndicatorSpec, classification: Classification, colours: Sequence[str],
                no_data: NoDataStyle, text: MapText) -> str:
    """Legend markup: title and unit, how classes were made, one row per class worst first, no data, source.

    For a change map drawn on a diverging palette (``classification.centre_label`` set, see
    :func:`mapkit.analysis.map_data.prepare`) the key names the middle colour and the two sides.

    It is a ``<details>`` element, open at first, so a user can fold it away on a small map.
    """
    e = html.escape
    key = colour_key(spec.higher_is, classification.centre_label)
    deciles = classification.scheme == "national_deciles"
    if deciles:
        how = f"National decile (1 = {rank_one(spec)} 10%) among {classification.reference}"
    else:
        how = f"{SCHEMES[classification.scheme].label}; breaks from {classification.reference}"
    counts = classification.counts
    order = range(classification.k) if spec.higher_is == "better" else range(classification.k - 1, -1, -1)
    swatch = "display:inline-block;width:14px;height:11px;margin-right:5px;vertical-align:-1px;border:1px solid #999"
    rows = []
    for i in order:
        label = classification.labels[i].removeprefix("Decile ") if deciles else classification.labels[i]
        rows.append(f"<div><i style='{swatch};background:{e(colours[i])}'></i>{e(label)}"
                    f" <span style='color:#666'>({counts[i]:,})</span></div>")
    if not rows:
        rows.append("<div><i>No area of this view has a figure.</i></div>")
    two_columns = len(rows) > LEGEND_ONE_COLUMN
    if two_columns:  # worst first down the first column, then the second: half the height of one column
        half = (len(rows) + 1) // 2
        rows = [f"<div style='display:grid;grid-auto-flow:column;grid-template-rows:repeat({half},auto);"
                f"column-gap:10px'>{''.join(rows)}</div>"]
    no_data_swatch = f"{swatch};background:{e(no_data.fill)};border:1px dashed {e(no_data.outline)}"
    rows.append(f"<div><i style='{no_data_swatch}'></i>No data <span style='color:#666'>"
                f"({classification.n_missing:,})</span></div>")
    return (
        f"<details open style='font-size:11px;line-height:1.3;max-width:{270 if two_columns else 215}px'>"
        f"<summary style='cursor:pointer;font-weight:600;font-size:12px'>{e(spec.label)} "
        f"<span style='font-weight:400;color:#444'>({e(spec.unit)})</span></summary>"
        f"<div style='color:#444;margin:1px 0 3px'>{e(how)}. (n) = areas on this map.</div>"
        + "".join(rows)
        + f"<div style='color:#444;margin-top:3px'>{e(key)}.</div>"
        f"<div style='color:#555;margin-top:2px;font-size:10px'>{e(spec.period)}. Source: {e(text.source_short)}. "
        f"{e(text.source_licence)}.</div>"
        "</details>"
    )


GeometryURL = Callable[[GeometryPayload], "str | None"]
"""Publishes a view's encoded areas as a file and returns its URL (``None``: send them inline), see
:mod:`mapkit.web.geometry_files`."""


def choropleth_group(frame: pd.DataFrame, spec: IndicatorSpec, classification: Classification, ramp: Ramp,
                     geometry: GeometryPayload, text: MapText, *, selected: str | None = None,
                     attribution: str = "", url: str | None = None) -> folium.FeatureGroup:
    """The choropleth of one indicator as a feature group holding the areas and their legend.

    Parameters
    ----------
    frame
        Rows of the areas (``code, value, rank, n_ranked, decile, note``), aligned with ``classification.classes``.
    spec, classification, ramp
        What is shown and how it is classified and coloured.
    geometry
        The encoded areas; their order decides the order of the per-area arrays.
    text
        Region and source wording.
    selected
        Code of the area whose profile is open (drawn with a thick outline).
    attribution
        Source and licence text for the map's attribution control.
    url
        Where the browser fetches ``geometry`` (``None``: sent inline), see :class:`~mapkit.web.elements.AreaLayer`.
    """
    data, legend = choropleth_parts(frame, spec, classification, ramp, geometry, text, selected=selected)
    group = folium.FeatureGroup(name=f"{spec.label} ({text.level_plural})", overlay=True, control=True)
    AreaLayer(geometry, data=data, style=area_style(geometry), attribution=attribution, name=spec.label,
              url=url).add_to(group)
    Legend(legend).add_to(group)
    return group


def choropleth_parts(frame: pd.DataFrame, spec: IndicatorSpec, classification: Classification, ramp: Ramp,
                     geometry: GeometryPayload, text: MapText, *,
                     selected: str | None = None) -> tuple[dict[str, Any], str]:
    """What the browser needs to draw one indicator on ``geometry``: the per-area arrays and the legend markup.

    The app's layer (:func:`choropleth_group`) and the static site (:mod:`mapkit.publish.site`) send the same two."""
    colours = class_colours(ramp, classification.k, spec.higher_is, classification.upper, classification.centre)
    data = choropleth_data(frame, spec, classification, colours, ramp.no_data, text, order=geometry.codes,
                           selected=selected)
    return data, legend_html(spec, classification, colours, ramp.no_data, text)


def versus_parts(data: MapData, geometry: GeometryPayload, text: MapText, *,
                 selected: str | None = None) -> tuple[dict[str, Any], str]:
    """What the browser needs to draw a bivariate map on ``geometry`` (any encoded areas: the map's or a hex
    layout's): the per-area arrays with their ``versus`` block, and the 2-D legend (:mod:`mapkit.web.bivariate`)."""
    no_data = data.versus.palette.no_data
    arrays = choropleth_data(data.frame, data.spec, data.classification, data.colours, no_data, text,
                             order=geometry.codes, selected=selected)
    arrays["versus"] = versus_arrays(data, geometry.codes)
    return arrays, versus_legend_html(data, source_short=text.source_short, source_licence=text.source_licence)


def versus_group(data: MapData, geometry: GeometryPayload, *, selected: str | None = None, attribution: str = "",
                 url: str | None = None) -> folium.FeatureGroup:
    """The bivariate map as a feature group holding the areas and the 2-D legend (as
    :func:`mapkit.web.choropleth.choropleth_group` for one measure)."""
    text = map_text(data.spec, data.view.level, data.region_name)
    arrays, legend = versus_parts(data, geometry, text, selected=selected)
    label = f"{data.spec.label} and {data.versus.y.spec.label}"
    group = folium.FeatureGroup(name=f"{label} ({text.level_plural})", overlay=True, control=True)
    AreaLayer(geometry, data=arrays, style=area_style(geometry), attribution=attribution, name=label,
              url=url).add_to(group)
    Legend(legend).add_to(group)
    return group


def area_style(geometry: GeometryPayload) -> dict[str, Any]:
    """Line style of a view's areas: thinner lines where there are many (:data:`DENSE_AREAS`)."""
    return AREA_LINE_DENSE if len(geometry) > DENSE_AREAS else AREA_LINE


def outline_group(geometry: GeometryPayload, label: str, *, url: str | None = None) -> folium.FeatureGroup:
    """Parent boundaries drawn over the choropleth, not interactive so hover reaches the areas below.

    Its script uses the runtime sent with the choropleth, so it must be added after :func:`choropleth_group`."""
    group = folium.FeatureGroup(name=label, overlay=True, control=True)
    AreaLayer(geometry, style=outline_style(geometry), interactive=False, name=label, runtime=False,
              url=url).add_to(group)
    return group


def outline_style(geometry: GeometryPayload) -> dict[str, Any]:
    """Line style of parent outlines: thinner where there are many (:data:`DENSE_OUTLINES`)."""
    return OUTLINE_STYLE_DENSE if len(geometry) > DENSE_OUTLINES else OUTLINE_STYLE


def highlight_group(level: str, codes: Sequence[str], label: str, style: dict[str, Any], *,
                    shapes: gpd.GeoDataFrame | None = None) -> folium.FeatureGroup:
    """Outlines of chosen areas of ``level`` (anywhere in England), drawn above the choropleth, not interactive.

    ``shapes`` are the areas to choose from (default: the level's boundaries; a hex map passes its hexagons).
    Like :func:`outline_group` it uses the runtime sent with the choropleth and must be added after it."""
    shapes = load_boundaries(level) if shapes is None else shapes
    chosen = shapes[shapes["code"].isin(list(codes))]
    group = folium.FeatureGroup(name=label, overlay=True, control=True)
    AreaLayer(encode_geometry(chosen), style=style, interactive=False, name=label, runtime=False).add_to(group)
    return group


def base_map(bounds: list[list[float]] | None, basemap: str, *, height: int | str = "100%",
             scale: bool = True) -> folium.Map:
    """A map fitted to ``bounds`` with the chosen basemap (or none), a white background and (``scale``) a scale bar.

    Areas draw on their own canvases (:class:`AreaLayer`); everything else (overlays, uploads, hover outlines) uses
    Leaflet's SVG renderer, which lets the mouse through where nothing is drawn, so the areas below keep their
    hover and click.
    """
    try:
        choice = BASEMAPS[basemap]
    except KeyError:
        raise UnknownNameError(f"Unknown basemap {basemap!r}: use one of {', '.join(BASEMAPS)}.") from None
    m = folium.Map(location=[52.8, -1.6], zoom_start=6, tiles=None, control_scale=scale,
                   zoom_snap=0.25, height=height)
    m.default_js = [(name, url) for name, url in m.default_js if name in MAP_ASSETS]
    m.default_css = [(name, url) for name, url in m.default_css if name in MAP_ASSETS]
    tiles = tile_layer(choice)
    if tiles is not None:
        tiles.add_to(m)
    MapStyle().add_to(m)
    FocusWithoutScroll().add_to(m)
    if bounds is not None:
        FitRegion(bounds).add_to(m)
    return m


# --------------------------------------------------------------------------------------------------- the whole view


@dataclasses.dataclass(frozen=True, eq=False)
class WebMap:
    """A map in two parts: the base (stable while only the indicator changes) and the layers drawn on it.

    Use :meth:`to_map` for a self-contained folium map (tests, HTML export), or give ``base``, ``layers`` and
    :meth:`layer_control` to streamlit-folium; each is consumed by one of the two. The map's corner shows the
    boundary statement; the legend names the indicator's source and licence.
    """

    base: folium.Map
    layers: tuple[folium.FeatureGroup, ...]

    def layer_control(self) -> folium.LayerControl:
        return folium.LayerControl(collapsed=True, position="topright")

    def to_map(self) -> folium.Map:
        for layer in self.layers:
            layer.add_to(self.base)
        self.layer_control().add_to(self.base)
        return self.base


def build_map(view: View, *, data: MapData | None = None, extra_layers: Iterable[folium.FeatureGroup] = (),
              geometry: GeometryPayload | None = None,
              outlines: GeometryPayload | None | Literal["cached"] = "cached",
              geometry_url: GeometryURL | None = None) -> WebMap:
    """The web map of a view: its choropleth, the parent outlines, then ``extra_layers``, on the view's basemap.

    Parameters
    ----------
    view
        What to draw; ``view.area`` is drawn with a thick outline.
    data
        ``prepare(view)`` when the caller has it already (default: prepared here, which checks the view).
        Overlays are not drawn from it: pass them in ``extra_layers``.
    extra_layers
        Layers drawn above the choropleth and the parent outlines (overlays, their key, uploads); the view's
        postcode, if any, is marked above them.
    geometry, outlines
        The encoded areas and parent outlines; default to this process's caches (:func:`mapkit.web.encode
        .area_geometry`, :func:`mapkit.web.encode.outline_geometry`). An app may pass the same objects from its own
        cache (``None`` outlines: draw none).
    geometry_url
        Publishes the areas and outlines as files the page fetches once and keeps (the app, a static site); by
        default they are sent inline, so the map is one self-contained page (the HTML export, tests).

    A hex map (``view.layout == "hex"``, :mod:`mapkit.web.hexmap`) draws the same per-area arrays on hexagons, with
    no tiles and no scale bar, the largest places named, a note and the layout's credit. Its hexagons are not
    places: the postcode is not marked, and ``extra_layers`` must hold only layers drawn on the hexagons (e.g.
    :func:`highlight_group` with ``shapes`` from :func:`mapkit.data.hexes.hex_layout`), never overlays or uploads.
    """
    data = prepare(view) if data is None else data
    level, region = view.level, view.region
    hexed = view.layout == "hex"
    if hexed:
        geometry = hexmap.hex_geometry(level, region) if geometry is None else geometry
        outlines = hexmap.hex_outlines(level, region) if isinstance(outlines, str) else outlines
        attribution = hexmap.hex_credit()
    else:
        geometry = area_geometry(level, region) if geometry is None else geometry
        outlines = outline_geometry(level, region) if isinstance(outlines, str) else outlines
        attribution = registry().sources["ons_boundaries"].attribution
    text = map_text(data.spec, level, data.region_name)
    publish = geometry_url or (lambda payload: None)
    if data.versus is not None:  # two measures: the nine cells and the 2-D legend
        layers = [versus_group(data, geometry, selected=view.area, attribution=attribution, url=publish(geometry))]
    else:
        layers = [choropleth_group(data.frame, data.spec, data.classification, data.ramp, geometry, text,
                                   selected=view.area, attribution=attribution, url=publish(geometry))]
    if outlines is not None:
        parent = registry().boundary(PARENT_OUTLINE[level])
        layers.append(outline_group(outlines, f"{parent.label} boundaries", url=publish(outlines)))
    if view.compare_areas:
        shapes = hex_layout(level, region) if hexed else None
        layers.append(highlight_group(level, view.compare_areas, "Areas compared", COMPARE_STYLE, shapes=shapes))
    if hexed:
        layers.append(hexmap.hex_group(level, region))
    layers.extend(extra_layers)
    if view.postcode and not hexed:
        found = lookup(view.postcode)
        marker = postcode_layer(found) if found is not None else None
        if marker is not None:
            layers.append(marker)
    stable_ids(layers)
    return WebMap(base=base_map(geometry.bounds, "none" if hexed else view.basemap, scale=not hexed),
                  layers=tuple(layers))
