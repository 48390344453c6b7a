"""mapkit.app.page's own regions: the help under the title, the change note, the sources at the foot of the page."""

from __future__ import annotations

import dataclasses

import pytest
from app_parts import part

from mapkit.view import DEFAULT


def footer_text(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Sources and licences"))


@pytest.mark.parametrize(("basemap", "line"), [
    ("light", "- Basemap: Tiles © Esri — Esri, DeLorme, NAVTEQ"),
    ("osm", "- Basemap: © OpenStreetMap contributors"),
    ("none", None),
])
def test_the_footer_names_the_basemaps_own_attribution(basemap: str, line: str | None) -> None:
    at = part("page", "show_footer", dataclasses.replace(DEFAULT, basemap=basemap))
    text = footer_text(at)
    lines = [x for x in text.splitlines() if x.startswith("- Basemap")]
    assert lines == ([line] if line else [])
    assert "Ministry of Housing, Communities and Local Government" in text or "MHCLG" in text
