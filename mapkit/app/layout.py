"""The Map / Hex switch: the view's areas as they lie, or each one equal hexagon (:mod:`mapkit.web.hexmap`).

The hex map is offered where there is a layout (districts anywhere, wards of a combined authority or a district);
elsewhere the switch is greyed out and says why. A hex map's hexagons are not places: the page says what it then
leaves off the map (overlays, the user's layer, a postcode, the user's own area), which come back on the map.
"""

from __future__ import annotations

import streamlit as st

from mapkit.app import state
from mapkit.app.state import Widget
from mapkit.data.hexes import hex_problem
from mapkit.specs.layouts import DEFAULT_LAYOUT, LAYOUTS
from mapkit.view import View

HELP = ("Hex map: each area is one equal hexagon, so a city's many small wards or districts are as visible as the "
        "large rural ones. Positions are approximate; colours, tooltips and clicks are the map's.")


def layout_switch(region: str, level: str) -> str:
    """Draw the switch in the sidebar and return the layout chosen (the map where there is no hex map)."""
    problem = hex_problem(level, region)
    if problem:
        state.set_widget(Widget.LAYOUT, DEFAULT_LAYOUT)
    layout = st.sidebar.radio("Layout", list(LAYOUTS), key=Widget.LAYOUT, format_func=LAYOUTS.get, horizontal=True,
                              disabled=problem is not None, help=problem or HELP)
    return layout if problem is None else DEFAULT_LAYOUT


def left_off(view: View, *, upload: bool = False, own: bool = False) -> str | None:
    """What a hex view does not draw, as one sentence for under the map (``None``: nothing is left off); ``own``:
    the user has an own area or is drawing or picking one (drawn and picked on the map only)."""
    if view.layout != "hex":
        return None
    parts = [name for name, on in (("the overlays", bool(view.overlays)), ("your layer", upload),
                                   ("the postcode", bool(view.postcode)), ("your own area", own)) if on]
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return (f"On the hex map {listed} {'is' if len(parts) == 1 else 'are'} not drawn: its hexagons are not places. "
            "Switch the layout to Map to see them.")
