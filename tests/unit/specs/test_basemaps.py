"""specs.basemaps: every basemap's tiles and its attribution, as plain text for a page's list of sources."""

from __future__ import annotations

import pytest

from mapkit.specs.basemaps import BASEMAPS


@pytest.mark.parametrize(("name", "attribution"), [
    ("light", "Tiles © Esri — Esri, DeLorme, NAVTEQ"),
    ("osm", "© OpenStreetMap contributors"),
    ("none", None),
])
def test_attribution_is_the_providers_own_as_plain_text(name: str, attribution: str | None) -> None:
    assert BASEMAPS[name].attribution == attribution


@pytest.mark.parametrize("name", list(BASEMAPS))
def test_attribution_and_tiles_come_from_one_provider(name: str) -> None:
    basemap = BASEMAPS[name]
    tiles = basemap.tiles()
    assert (tiles is None) == (basemap.attribution is None) == (basemap.provider is None)
    if tiles is not None:
        assert "<" not in basemap.attribution and "&" not in basemap.attribution
        assert tiles["url"].startswith("https://")
