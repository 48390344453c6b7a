"""How a map lays its areas out: as they lie (the map) or as equal hexagons (the hex map, :mod:`mapkit.data.hexes`).

A registry of names, checked by :class:`mapkit.view.View` and offered by the app, the command line
(``--layout``) and the static site; where a hex map is made is the data's to say
(:func:`mapkit.data.hexes.hex_problem`).
"""

from __future__ import annotations

LAYOUTS: dict[str, str] = {"map": "Map", "hex": "Hex map"}
"""Layout name -> its label on a switch. ``map`` is the default; ``hex`` draws each area as one equal hexagon."""
DEFAULT_LAYOUT = "map"
