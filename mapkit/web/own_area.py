"""Your own area on the web map: Leaflet.draw's tools (folium.plugins.Draw) to draw it, and its outline.

* :func:`draw_tools`: the drawing toolbar (polygon, rectangle, circle; edit and delete), plus
  :class:`OwnAreaGlue`, which calls ``window.mapkit.ownArea`` (``mapkit/web/static/own_area.js``) to put the area
  drawn before back into the editable layer and to keep circles' radii current after an edit. streamlit-folium
  returns the shapes as ``all_drawings`` (GeoJSON features; a circle as its centre with ``properties.radius`` in
  metres) and the last one touched as ``last_active_drawing``; :func:`mapkit.data.own_areas.from_drawings` reads
  them. Leaflet.draw is served like Leaflet: from its CDN, or from the app itself offline (``mapkit/web/cdn_map.json``).
* :func:`own_area_layer`: the area's outline, not editable (a group of codes, or a drawing once measured).
* :func:`picked_layer`: the wards or LSOAs picked so far, outlined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import folium.plugins
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping

from mapkit import web
from mapkit.data.own_areas import OwnArea
from mapkit.text.markup import escape
from mapkit.web.webmap import highlight_group
from mapkit.web.elements import stable_ids
from mapkit.web.encode import script_json

__all__ = ["DRAW_STYLE", "OUTLINE_STYLE", "PICK_STYLE", "OwnAreaGlue", "draw_tools", "own_area_layer",
           "picked_layer"]

DRAW_STYLE = {"color": "#000000", "weight": 3, "opacity": 1, "fill": True, "fillColor": "#000000", "fillOpacity": 0.08}
"""Shapes while drawn and when restored: a black line that shows on every class colour, a faint fill."""
OUTLINE_STYLE = {"color": "#000000", "weight": 3.5, "opacity": 1, "fill": False}
PICK_STYLE = {"color": "#000000", "weight": 2.5, "opacity": 1, "fill": True, "fillColor": "#000000",
              "fillOpacity": 0.12}


def draw_options() -> dict[str, Any]:
    """Leaflet.draw's toolbar: polygon, rectangle and circle only (an area has an inside). A polygon may cross
    itself (it is repaired, with a note, when measured); areas are not shown while drawing (Leaflet.draw 1.0's area
    readout fails in some browsers)."""
    shape = {"shapeOptions": DRAW_STYLE, "showArea": False}
    return {"polyline": False, "marker": False, "circlemarker": False, "polygon": dict(shape),
            "rectangle": dict(shape), "circle": {"shapeOptions": DRAW_STYLE, "showRadius": True, "metric": True}}


class OwnAreaGlue(MacroElement):
    """Calls ``window.mapkit.ownArea.attach(map, drawnItems, config)`` after the drawing toolbar is on the map.

    Parameters
    ----------
    draw
        The :class:`folium.plugins.Draw` whose editable layer (``drawnItems``) receives the area drawn before.
    shape
        The outline to restore (GeoJSON geometry), or ``None``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        window.mapkit.ownArea.attach({{ this._parent.get_name() }}, drawnItems_{{ this.draw.get_name() }},
                                     {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, draw: folium.plugins.Draw, shape: dict[str, Any] | None) -> None:
        super().__init__()
        self._name = "OwnAreaGlue"
        self.draw = draw
        self.runtime = web.runtime(web.OWN_AREA_RUNTIME)
        self.config_json = script_json({"shape": shape, "style": DRAW_STYLE})


def draw_tools(area: OwnArea | None = None) -> list[MacroElement]:
    """The drawing toolbar and its glue, to add to the map in this order; a drawn ``area`` comes back editable."""
    # Editing and deleting are on by default; setting ``edit`` here would replace Leaflet.draw's default editing
    # styles (selectedPathOptions) and break editing.
    draw = folium.plugins.Draw(position="topleft", show_geometry_on_click=False, draw_options=draw_options())
    shape = mapping(area.shape) if area is not None and area.shape is not None else None
    tools = [draw, OwnAreaGlue(draw, shape)]
    stable_ids(tools, prefix="own")  # the same tools render the same text, so a rerun does not redraw them
    return tools


def own_area_layer(area: OwnArea) -> folium.FeatureGroup:
    """The area's outline in black, above the areas, not interactive, named in the layer control (escaped)."""
    group = folium.FeatureGroup(name=escape(f"Your area: {area.name}"), overlay=True, control=True)
    folium.GeoJson(mapping(area.geometry), style_function=lambda _feature: dict(OUTLINE_STYLE),
                   interactive=False).add_to(group)
    stable_ids([group], prefix="ownline")
    return group


def picked_layer(level: str, codes: Sequence[str]) -> folium.FeatureGroup:
    """The wards or LSOAs picked so far, outlined above the choropleth (after it: see
    :func:`mapkit.web.webmap.highlight_group`)."""
    return highlight_group(level, codes, "Picked areas", PICK_STYLE)
