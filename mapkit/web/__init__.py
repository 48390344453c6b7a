"""The interactive map: :mod:`~mapkit.web.encode` (geometry codec), :mod:`~mapkit.web.elements` (folium/Jinja
glue), :mod:`~mapkit.web.webmap` (``build_map(view)``, composing :mod:`~mapkit.web.choropleth` and
:mod:`~mapkit.web.bivariate`), and the browser side read here: JavaScript and CSS
files in ``mapkit/web/static/``, shipped as package data.

Where the page's folder can be written (the app with static serving, the static site), they are published as
content-hashed files (:class:`mapkit.web.geometry_files.StaticFiles`: one script bundle and ``map.css``) that the
page loads once when the map mounts; otherwise (the HTML export: a view must open from one HTML file, offline) they
are sent inline with the map, each guarded so that a page defines it once however often streamlit-folium re-runs a
layer's script:

* ``geometry.js``: decoder of :func:`mapkit.web.encode.encode_shapes`, projection, grid index, point in polygon
  (pure functions, also a CommonJS module for ``node --test tests/js/``);
* ``areas.js``: the canvas layer of all areas (``window.mapkit.areas``), sent with the choropleth;
* ``keyboard.js``: stepping through the areas by keyboard, announced in a live region (``window.mapkit.keyboard``);
* ``uploads.js``: the canvas layer of a user's uploaded points, lines and polygons (``window.mapkit.uploads``), sent
  with the upload layer (:mod:`mapkit.web.upload_layer`);
* ``map.js`` and ``map.css``: fit, legends, focus and styles around the layers, sent with the base map;
* ``labels.js``: place names that keep clear of each other (``window.mapkit.placeLabels``), sent with a hex map's
  labels (:mod:`mapkit.web.hexmap`);
* ``own_area.js``: the glue between Leaflet.draw and your own area (``window.mapkit.ownArea``), sent with the
  drawing tools;
* ``site.js``, ``site.css`` and ``site.html``: the page of a static site (:mod:`mapkit.publish.site`), which loads the
  files above as files rather than inline;
* ``page.js`` and ``page.css``: the Streamlit page's own behaviour around the map ("Copy link", the profile brought
  into view on a phone), sent by :mod:`mapkit.app.share`.

Python configures them with small JSON objects; the Jinja templates in :mod:`mapkit.web.elements` only call them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

AREAS_RUNTIME = ("geometry.js", "keyboard.js", "areas.js")
"""Files sent with the choropleth layer, in order."""
UPLOADS_RUNTIME = ("geometry.js", "uploads.js")
"""Files sent with a user's upload layer, in order."""
MAP_RUNTIME = ("map.js",)
"""Files sent with the base map."""
LABELS_RUNTIME = ("labels.js",)
"""Files sent with place labels (:class:`mapkit.web.hexmap.PlaceLabels`)."""
OWN_AREA_RUNTIME = ("own_area.js",)
"""Sent with the drawing tools of your own area (:mod:`mapkit.web.own_area`)."""
SITE_RUNTIME = ("site.js",)
"""The static site's page script (:mod:`mapkit.publish.site`), loaded after the areas' and the map's runtime."""
SITE_STYLES = ("map.css", "site.css")
"""The static site's stylesheets (its page is ``site.html``)."""
PAGE_RUNTIME, PAGE_STYLES = ("page.js",), ("page.css",)
"""The Streamlit page's own script and stylesheet (:mod:`mapkit.app.share`)."""


@cache
def static_text(name: str) -> str:
    """The text of one file in ``mapkit/web/static/``.

    Parameters
    ----------
    name
        File name, e.g. ``"areas.js"``.

    Returns
    -------
    str
        Its UTF-8 text, checked to be safe inline in HTML (no ``</script`` or ``</style``) and in the Jinja
        templates branca renders a script through a second time (no ``{{``, ``{%`` or ``{#``).
    """
    text = resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")
    for bad in ("</script", "</style", "{{", "{%", "{#"):
        if bad in text.lower():
            raise ValueError(f"mapkit/web/static/{name} cannot be sent inline: it holds {bad!r}")
    return text


def runtime(names: tuple[str, ...]) -> str:
    """The files ``names`` joined, as one script to send inline."""
    return "\n".join(static_text(name) for name in names)
