"""Basemaps offered under the areas: xyzservices providers by name, or none."""

from __future__ import annotations

import dataclasses

import folium


@dataclasses.dataclass(frozen=True)
class Basemap:
    """A basemap choice: an xyzservices provider name, or none."""

    name: str
    label: str
    provider: str | None

    def tile_layer(self) -> folium.TileLayer | None:
        if self.provider is None:
            return None
        import xyzservices

        provider = xyzservices.providers.query_name(self.provider)
        return folium.TileLayer(tiles=provider.build_url(scale_factor="{r}"), attr=provider.html_attribution,
                                name=self.label, max_zoom=provider.get("max_zoom", 18), control=False)


BASEMAPS: dict[str, Basemap] = {b.name: b for b in (
    Basemap("light", "Light grey (Esri)", "Esri.WorldGrayCanvas"),
    Basemap("osm", "OpenStreetMap", "OpenStreetMap.Mapnik"),
    Basemap("none", "None (boundaries only)", None),
)}
"""Basemaps offered. "light" is Esri's grey canvas because CARTO's Positron now needs an API key."""
