"""The hex map's pieces for the web: its areas, group outlines, place labels and note (:mod:`mapkit.data.hexes`).

The hexagons are a drop-in for a view's areas: :func:`hex_geometry` encodes the same areas as
:func:`mapkit.web.encode.area_geometry`, with the same codes, names and parent names **in the same order**, so the
per-area arrays of any choropleth (colours, values, ranks; :func:`mapkit.web.choropleth.choropleth_data`) draw on
either unchanged, and one data file of the static site serves both. Only the shapes differ.

A hex map is a layout, not geography: it is drawn without basemap tiles, and nothing with real coordinates
(overlays, postcodes, uploads) is drawn on it. Every hex map carries :func:`hex_credit` in its attribution and a
note saying what it is (:func:`mapkit.text.wording.hex_note`).
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from mapkit import web
from mapkit.data.hexes import hex_attribution, hex_groups, hex_layout, hex_problem, place_labels
from mapkit.data.products import load_boundaries
from mapkit.errors import ParameterError
from mapkit.specs.registry import registry
from mapkit.text.wording import hex_headline, hex_note
from mapkit.web.elements import Legend
from mapkit.web.encode import PARENT_NAME_COLUMN, GeometryPayload, encode_geometry, script_json

NOTE_CLASS = "mapkit-hex-note"


def _check(level: str, region: str) -> None:
    problem = hex_problem(level, region)
    if problem:
        raise ParameterError(problem)


@lru_cache(maxsize=64)
def hex_geometry(level: str, region: str) -> GeometryPayload:
    """The hexagons of ``level`` in ``region``, encoded like :func:`mapkit.web.encode.area_geometry`'s areas and in
    their order (that of :func:`mapkit.load_boundaries`); an area without a hexagon is left out.

    Raises
    ------
    ParameterError
        Where there is no hex map (:func:`mapkit.data.hexes.hex_problem` says why).
    """
    _check(level, region)
    order = [str(c) for c in load_boundaries(level, region)["code"]]
    frame = hex_layout(level, region).set_index("code")
    frame = frame.loc[[c for c in order if c in frame.index]].reset_index()
    return encode_geometry(frame, parent_column=PARENT_NAME_COLUMN[level])


@lru_cache(maxsize=64)
def hex_outlines(level: str, region: str) -> GeometryPayload | None:
    """Outlines drawn over the hexagons: combined authorities over districts, districts over wards (``None``:
    there are none in the region, e.g. a district's own district map)."""
    _check(level, region)
    groups = hex_groups(level, region)
    return encode_geometry(groups) if len(groups) else None


def hex_label_points(level: str, region: str) -> list[dict[str, Any]]:
    """The names the hex map draws (:func:`mapkit.data.hexes.place_labels`), largest first: ``{"name", "lat",
    "lng"}`` (names escaped)."""
    _check(level, region)
    points = place_labels(level, region)
    return [{"name": html.escape(str(name)), "lat": round(float(point.y), 6), "lng": round(float(point.x), 6)}
            for name, point in zip(points["name"], points.geometry)]


def hex_credit() -> str:
    """The attribution of a hex map: the layout's credit, then the boundaries' (the areas' codes and names, and the
    positions the ward layouts were computed from)."""
    return f"{hex_attribution()}. {registry().sources['ons_boundaries'].attribution}"


def note_html(level: str, region: str) -> str:
    """The hex map's note as a folded box above the legend (escaped): its headline says what the layout is and, for
    a computed one, how many neighbours it keeps; opened, the whole note."""
    return (f"<details class='{NOTE_CLASS}'><summary>{html.escape(hex_headline(level, region))}</summary>"
            f"<div>{html.escape(hex_note(level, region))}</div></details>")


class PlaceLabels(MacroElement):
    """Names drawn at points, largest first; a label that would overlap an earlier one is hidden at each zoom.

    In the browser this is ``window.mapkit.placeLabels`` (``mapkit/web/static/labels.js``), added to the parent
    layer group, so the labels come and go with it. They take no mouse or keyboard input: hover and click reach
    the areas below.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        window.mapkit.placeLabels({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, points: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "PlaceLabels"
        self.points = points
        self.runtime = web.runtime(web.LABELS_RUNTIME)
        self.config_json = script_json({"points": points})


def hex_group(level: str, region: str) -> folium.FeatureGroup:
    """What a hex map adds above its areas and outlines: the largest districts' names and the note."""
    group = folium.FeatureGroup(name="Hex map: place names", overlay=True, control=False)
    PlaceLabels(hex_label_points(level, region)).add_to(group)
    Legend(note_html(level, region), extra=True).add_to(group)
    return group
