"""Basemaps offered under the areas: xyzservices providers by name, or none.

A registry of names (checked by :class:`mapkit.view.View`) and each choice's tiles (:meth:`Basemap.tiles`), from
which :func:`mapkit.web.elements.tile_layer` makes the app's folium layer and :mod:`mapkit.publish.site` the static
site's.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re


@dataclasses.dataclass(frozen=True)
class Basemap:
    """A basemap choice: an xyzservices provider name, or none."""

    name: str
    label: str
    provider: str | None

    @property
    def attribution(self) -> str | None:
        """The provider's attribution as plain text (``Tiles © Esri — Esri, DeLorme, NAVTEQ``), for a page's list
        of sources; ``None`` for no tiles."""
        tiles = self.tiles()
        if tiles is None:
            return None
        return " ".join(html.unescape(re.sub(r"<[^>]*>", "", str(tiles["attribution"]))).split())

    def tiles(self) -> dict[str, object] | None:
        """``{"url", "attribution", "maxZoom"}`` for Leaflet (``{r}`` in the URL: Leaflet's retina suffix), or
        ``None`` for no tiles."""
        return None if self.provider is None else dict(_tiles(self.provider))


@functools.cache
def _tiles(name: str) -> dict[str, object]:
    """A provider's tiles, looked up once per process (xyzservices searches every provider by name: milliseconds
    at each map)."""
    import xyzservices

    provider = xyzservices.providers.query_name(name)
    return {"url": provider.build_url(scale_factor="{r}"), "attribution": provider.html_attribution,
            "maxZoom": provider.get("max_zoom", 18)}


BASEMAPS: dict[str, Basemap] = {b.name: b for b in (
    Basemap("light", "Light grey (Esri)", "Esri.WorldGrayCanvas"),
    Basemap("osm", "OpenStreetMap", "OpenStreetMap.Mapnik"),
    Basemap("none", "None (boundaries only)", None),
)}
"""Basemaps offered. "light" is Esri's grey canvas because CARTO's Positron now needs an API key."""
