"""folium elements of the map: thin Jinja glue over the browser runtime in ``mapkit/web/static/``.

Each element's template only calls a function of ``window.mapkit`` with a small JSON configuration; the code is
in the static files (:mod:`mapkit.web`). :func:`stable_ids` numbers elements so the same layers render the same
text.
"""

from __future__ import annotations

import html
import itertools
from collections import OrderedDict
from typing import Any, Iterable

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from mapkit import web
from mapkit.specs.basemaps import Basemap
from mapkit.web.encode import GeometryPayload, script_json
from mapkit.web.geometry_files import RuntimeLinks

AREA_LINE = {"color": "#ffffff", "weight": 0.6, "opacity": 0.9, "fillOpacity": 0.85}
AREA_LINE_DENSE = {"color": "#ffffff", "weight": 0.2, "opacity": 0.6, "fillOpacity": 0.9}
NARROW_MAP = 560
"""On a map narrower than this (pixels), legends start folded so the region stays visible; a click opens them."""
MAP_BACKGROUND = "#ffffff"
AREA_PANES = {"areas": ("mapkitAreas", 350), "outlines": ("mapkitOutlines", 360)}
"""Leaflet panes (name, z-index) of the area canvases: above the tiles (200), below overlays and their hover
outlines (400), markers (600) and tooltips (650)."""


class Text(Element):
    """Text already rendered, added to a page as it is (as a Jinja template renders text without markup: one
    trailing newline dropped)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text.replace("\r\n", "\n").removesuffix("\n")

    def render(self, **kwargs: Any) -> str:
        return self.text


class PlainRender(MacroElement):
    """``render()`` as branca's, but each part the templates give (header, html, script) is added to the page as
    :class:`Text`.

    branca wraps each part in an ``Element`` whose text it compiles as a Jinja template again; for the areas' layer
    (per-area arrays of thousands of areas) that compile cost more than building the layer, at every rerun in which
    streamlit-folium renders the map. Put it after folium's classes and before ``MacroElement`` in the bases, so
    their own ``render`` steps still run first.
    """

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
        macros = self._template.module.__dict__
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = macros.get(part)
            if macro is not None:
                target.add_child(Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class AreaLayer(folium.map.Layer, PlainRender):
    """Encoded areas as one Leaflet layer drawn on its own canvas: a choropleth (with ``data``) or outlines (without).

    In the browser this is ``window.mapkit.areas`` (``mapkit/web/static/areas.js``): one layer for all areas,
    however many, in a pane of its own below the overlay pane (:data:`AREA_PANES`), so that overlays, uploads and
    the hover outline (SVG) stay on top. Its ``mapkitList()`` gives ``[code, fill]`` of every area as drawn, for
    tests and tools.

    Parameters
    ----------
    geometry
        From :func:`mapkit.web.encode.encode_geometry` / :func:`mapkit.web.encode.area_geometry`.
    data
        Per-area arrays from :func:`mapkit.web.choropleth.choropleth_data`, or ``None`` for outlines.
    style
        Leaflet path options shared by every area (fill colours come from ``data``).
    interactive
        Whether the areas take hover and click (outlines drawn on top must not).
    attribution
        Plain text for the map's attribution control (escaped here).
    runtime
        Whether this layer carries the areas' runtime (:data:`mapkit.web.AREAS_RUNTIME`); ``False`` for layers
        always drawn after one that does (the parent outlines after the choropleth), so that a view sends it once.
    url
        Where the browser fetches the geometry (its file from :func:`mapkit.web.geometry_files.write_geometry`)
        instead of receiving it inline: the page keeps it by :attr:`~mapkit.web.encode.GeometryPayload.version`,
        so a layer of the same areas with other colours sends only ``data``. ``None`` (default): inline, for a
        self-contained page such as the HTML export.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        var {{ this.get_name() }} = window.mapkit.areas(
            {{ this.geometry_js }},
            /*mapkit-data*/{{ this.data_json }}/*end-mapkit-data*/,
            {{ this.options_json }}
        );
        {% endmacro %}
        """
    )

    def __init__(self, geometry: GeometryPayload, *, data: dict[str, Any] | None = None,
                 style: dict[str, Any] | None = None, interactive: bool = True, attribution: str = "",
                 name: str | None = None, control: bool = False, runtime: bool = True,
                 url: str | None = None) -> None:
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "AreaLayer"
        self.geometry = geometry
        self.url = url
        if url is None:
            self.geometry_js = geometry.script
        else:
            self.geometry_js = script_json({"url": url, "version": geometry.version, "n": len(geometry)})
        self.runtime = web.runtime(web.AREAS_RUNTIME) if runtime else ""
        self.data_json = "null" if data is None else script_json(data)
        self.options_json = script_json(area_options(style, interactive=interactive, attribution=attribution))


def area_options(style: dict[str, Any] | None, *, interactive: bool, attribution: str = "") -> dict[str, Any]:
    """The options of ``window.mapkit.areas`` (``mapkit/web/static/areas.js``): line style, whether the areas take
    the mouse, attribution (plain text, escaped here) and the pane they draw in (:data:`AREA_PANES`)."""
    pane, z_index = AREA_PANES["areas" if interactive else "outlines"]
    return {"style": dict(style or AREA_LINE), "interactive": interactive, "attribution": html.escape(attribution),
            "pane": pane, "zIndex": z_index}


class Legend(PlainRender):
    """A legend control shown while its parent layer group is on the map (``html`` must already be escaped).

    The choropleth's legend has the class ``mapkit-legend``; another legend (e.g. the overlays' key) takes
    ``mapkit-legend-extra``, so that both are kept clear of the region when the map is fitted. A ``<details>``
    element in ``html`` starts folded on a narrow map (:data:`NARROW_MAP`). ``attribution`` (plain text, escaped
    here) joins the map's attribution while the group is shown. Its script calls ``window.mapkit.legend``
    (``mapkit/web/static/map.js``), sent with the map by :class:`MapStyle`, so the map must come from
    :func:`mapkit.web.webmap.base_map`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.mapkit.legend({{ this._parent.get_name() }}, {{ this.config_json }});
        {% if this.attribution %}
        {{ this._parent.get_name() }}.options.attribution = {{ this.attribution_json }};
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, position: str = "bottomright", extra: bool = False,
                 attribution: str = "") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self.config_json = script_json({"html": html_text, "position": position, "narrowMap": NARROW_MAP,
                                        "className": "mapkit-legend-extra" if extra else "mapkit-legend leaflet-bar"})
        self.attribution = attribution
        self.attribution_json = script_json(html.escape(attribution))


class FitRegion(PlainRender):
    """Fit the map to a region, and again when the map is resized or a legend appears before the user moved it.

    streamlit-folium sizes its frame after the map is drawn, so a single ``fitBounds`` would fit a map of the
    wrong size. The region is kept clear of the legends in the bottom-right corner, beside them or above them,
    whichever leaves it larger.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.mapkit.fitRegion({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitRegion"
        self.bounds = bounds
        self.config_json = script_json({"bounds": bounds})


class FocusWithoutScroll(PlainRender):
    """Let a click focus the map without scrolling the page around it.

    Leaflet focuses the map on mouse-down (for keyboard panning). In an iframe that is partly off screen, as in
    Streamlit, the browser then scrolls the page between mouse-down and mouse-up, and the click lands on another
    area. Focusing with ``preventScroll`` keeps keyboard navigation and puts the click where the user pointed.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.mapkit.focusWithoutScroll({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScroll"


class MapStyle(JSCSSMixin, PlainRender):
    """Page styles for the map: white background (readable with no tiles), legend and tooltip text.

    It carries ``mapkit/web/static/map.css`` and the runtime (``map.js``: fit, legends, focus) for the elements
    added after it, so :func:`mapkit.web.webmap.base_map` adds it first. Given ``runtime`` (the files
    :class:`mapkit.web.geometry_files.StaticFiles` published), it links them instead, and they carry the areas'
    runtime too (:data:`mapkit.web.AREAS_RUNTIME`): the page loads them once when the map mounts, before any layer,
    and a layer then sends only its configuration. Without, they are inline (a self-contained page).

    The attribution moves to the bottom-left corner, under the scale bar, so that the legends in the bottom-right
    corner reach the map's foot and leave more room for the region.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        {% if this.css %}<style>{{ this.css }}</style>{% endif %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        window.mapkit.styleMap({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, background: str = MAP_BACKGROUND, *, runtime: RuntimeLinks | None = None) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.background = background
        if runtime is None:
            self.css = web.static_text("map.css")
            self.runtime = web.runtime(web.MAP_RUNTIME)
            self.default_js, self.default_css = [], []
        else:
            self.css = self.runtime = ""
            self.default_js = [("mapkit_runtime", runtime.script)]
            self.default_css = [("mapkit_css", runtime.stylesheet)]
        self.config_json = script_json({"background": background})


def tile_layer(basemap: Basemap) -> folium.TileLayer | None:
    """The folium tile layer of a basemap choice (``None`` for no tiles)."""
    tiles = basemap.tiles()
    if tiles is None:
        return None
    return folium.TileLayer(tiles=tiles["url"], attr=tiles["attribution"], name=basemap.label,
                            max_zoom=tiles["maxZoom"], control=False)


def stable_ids(elements: Iterable[Element], *, prefix: str = "mk") -> None:
    """Number every element inside ``elements`` in order, replacing folium's random ids.

    folium names each element (a popup's HTML too) with a random id, so the same layers built twice render
    different text. streamlit-folium then re-adds every layer on each rerun, which closes an open popup (a click
    on a marker reruns the app). With numbered ids the text depends only on what is drawn.
    """
    counter = itertools.count()

    def walk(element: Element) -> None:
        element._id = f"{prefix}{next(counter):x}"
        children = list(element._children.values())
        for child in children:
            walk(child)
        element._children = OrderedDict((child.get_name(), child) for child in children)  # keys are names
        for part in ("header", "html", "script"):  # a popup keeps its HTML outside its children
            inner = getattr(element, part, None)
            if isinstance(inner, Element):
                walk(inner)

    for element in elements:
        walk(element)
