"""A :class:`mapkit.view.View` -> its web map (:func:`build_map`), for the app, the HTML export and the benchmarks.

The map composes its layers: the view's areas (one measure: :mod:`mapkit.web.choropleth`; two: :mod:`mapkit.web
.bivariate`), then the parent outlines, the compared areas, the caller's layers (overlays, uploads) and the
postcode's marker, on a base map. The base map (tiles, bounds, styles, the runtime) is kept apart from the layers so
that the app can hand the layers to streamlit-folium as ``feature_group_to_add``: an indicator change then swaps
layers inside the already-loaded map instead of reloading it.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable, Literal, Sequence

import folium
import geopandas as gpd

from mapkit.analysis.map_data import MapData, prepare
from mapkit.data.hexes import hex_layout
from mapkit.data.postcodes import lookup
from mapkit.data.products import load_boundaries
from mapkit.errors import UnknownNameError
from mapkit.specs.basemaps import BASEMAPS
from mapkit.specs.registry import registry
from mapkit.view import View
from mapkit.web.choropleth import choropleth_group, map_text, versus_group
from mapkit.web.elements import AreaLayer, FitRegion, FocusWithoutScroll, MapStyle, stable_ids, tile_layer
from mapkit.web.encode import PARENT_OUTLINE, GeometryPayload, area_geometry, encode_geometry, outline_geometry
from mapkit.web import hexmap
from mapkit.web.geometry_files import RuntimeLinks, StaticFiles
from mapkit.web.marker import postcode_layer

OUTLINE_STYLE = {"color": "#1a1a1a", "weight": 1.6, "opacity": 0.9, "fill": False}
OUTLINE_STYLE_DENSE = {"color": "#1a1a1a", "weight": 0.8, "opacity": 0.8, "fill": False}
COMPARE_STYLE = {"color": "#0a58ca", "weight": 3.2, "opacity": 1.0, "fill": False}
SIMILAR_STYLE = {"color": "#c2185b", "weight": 2.6, "opacity": 1.0, "fill": False}
"""Outlines of the areas being compared (blue) and of an area's similar areas (magenta); both read on every
palette, including greyscale, by their weight."""
DENSE_OUTLINES = 50
"""Above this count (England's districts) parent outlines are thinner, so that small urban areas keep their colour at
national scale instead of turning into dark edges."""
MAP_ASSETS = frozenset({"leaflet", "leaflet_css"})
"""folium's default scripts and stylesheets that these maps use. The others (jQuery, Bootstrap, Font Awesome,
glyphicons, awesome-markers) serve folium features not used here (overlays are DivIcon squares and circle markers,
popups are :class:`mapkit.web.popup.Popup`) and cost eight requests and their parsing before the map can draw."""


def outline_group(geometry: GeometryPayload, label: str, *, url: str | None = None) -> folium.FeatureGroup:
    """Parent boundaries drawn over the choropleth, not interactive so hover reaches the areas below.

    Its script uses the runtime sent with the choropleth (or loaded as a file), so it must be added after
    :func:`mapkit.web.choropleth.choropleth_group`."""
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

    ``shapes`` are the areas to choose from (default: the level's boundaries; a hex map passes its hexagons, from
    :func:`mapkit.data.hexes.hex_layout`). Like :func:`outline_group` it uses the runtime sent with the choropleth
    and must be added after it."""
    shapes = load_boundaries(level) if shapes is None else shapes
    chosen = shapes[shapes["code"].isin(list(codes))]
    group = folium.FeatureGroup(name=label, overlay=True, control=True)
    AreaLayer(encode_geometry(chosen), style=style, interactive=False, name=label, runtime=False).add_to(group)
    return group




def base_map(bounds: list[list[float]] | None, basemap: str, *, height: int | str = "100%",
             runtime: RuntimeLinks | None = None, scale: bool = True) -> folium.Map:
    """A map fitted to ``bounds`` with the chosen basemap (or none), a white background and (``scale``) a scale bar;
    its runtime linked as ``runtime`` files, else inline (:class:`~mapkit.web.elements.MapStyle`).

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
    MapStyle(runtime=runtime).add_to(m)
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
              files: StaticFiles | None = None, bounds: list[list[float]] | None = None) -> WebMap:
    """The web map of a view: its choropleth, the parent outlines, then ``extra_layers``, on the view's basemap.

    Parameters
    ----------
    view
        What to draw; ``view.area`` is drawn with a thick outline.
    data
        ``prepare(view)`` when the caller has it already (default: prepared here). Overlays are not drawn from it:
        pass them in ``extra_layers``.
    extra_layers
        Layers drawn above the choropleth and the parent outlines (overlays, their key, uploads); the view's
        postcode, if any, is marked above them.
    geometry, outlines
        The encoded areas and parent outlines; default to this process's caches (:func:`mapkit.web.encode
        .area_geometry`, :func:`mapkit.web.encode.outline_geometry`; ``None`` outlines: draw none).
    files
        Where the areas, outlines and runtime are published as files the page fetches once and keeps (the app); by
        default, or when the folder cannot be written, they are sent inline, so the map is one self-contained page
        (the HTML export, tests).
    bounds
        ``[[south, west], [north, east]]`` to fit the map to instead of the region (a place or areas the page
        picks out, e.g. :func:`mapkit.web.highlights.bounds_of`).

    A hex map (``view.layout == "hex"``, :mod:`mapkit.web.hexmap`) draws the same per-area arrays on hexagons, with
    no tiles and no scale bar, the largest places named, a note and the layout's credit. Its hexagons are not
    places: the postcode is not marked, and ``extra_layers`` must hold only layers drawn on the hexagons (e.g.
    :func:`highlight_group` with ``shapes`` from :func:`mapkit.data.hexes.hex_layout`), never overlays or uploads;
    ``geometry`` and ``outlines`` then default to the hexagons and their groups.
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
    runtime = _published(files.runtime) if files is not None else None

    def publish(payload: GeometryPayload) -> str | None:
        return None if files is None else _published(files.geometry_url, payload)

    if data.versus is not None:  # two measures: the nine cells and the 2-D legend (mapkit.web.bivariate)
        layers = [versus_group(data, geometry, selected=view.area, attribution=attribution, url=publish(geometry),
                               runtime=runtime is None)]
    else:
        layers = [choropleth_group(data, geometry, text, selected=view.area, attribution=attribution,
                                   url=publish(geometry), runtime=runtime is None)]
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
    base = base_map(geometry.bounds if hexed else bounds or geometry.bounds, "none" if hexed else view.basemap,
                    runtime=runtime, scale=not hexed)
    return WebMap(base=base, layers=tuple(layers))


def _published(publish: Callable[..., Any], *args: Any) -> Any:
    """``publish(*args)``, or ``None`` when the folder cannot be written (a read-only checkout): the map then sends
    the same content inline."""
    try:
        return publish(*args)
    except OSError:
        return None
