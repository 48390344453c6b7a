"""Basemaps offered under the areas: xyzservices providers by name, or none.

A registry of names (checked by :class:`mapkit.view.View`); the folium tile layer of a choice is made by
:func:`mapkit.web.elements.tile_layer`.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Basemap:
    """A basemap choice: an xyzservices provider name, or none."""

    name: str
    label: str
    provider: str | None


BASEMAPS: dict[str, Basemap] = {b.name: b for b in (
    Basemap("light", "Light grey (Esri)", "Esri.WorldGrayCanvas"),
    Basemap("osm", "OpenStreetMap", "OpenStreetMap.Mapnik"),
    Basemap("none", "None (boundaries only)", None),
)}
"""Basemaps offered. "light" is Esri's grey canvas because CARTO's Positron now needs an API key."""
