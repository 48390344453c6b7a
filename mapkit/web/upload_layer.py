"""A user's uploaded layer (:func:`mapkit.data.uploads.read_upload`) on the web map: encoded once in the areas' codec
and drawn in the browser by one canvas layer (``mapkit/web/static/uploads.js``), every text escaped.

Drawn as one folium marker or path per feature, a 5,000-point upload cost 6-9 s of server CPU and 8-14 MB of map
HTML on every rerun of its session (issue 27). Encoded (:func:`encode_upload`, :func:`mapkit.web.encode.
encode_features`) it is tens of kilobytes, built once per upload; given ``url`` (its content-hashed file, written by
:func:`mapkit.web.geometry_files.write_geometry`) the page fetches it once and keeps it by version, so a rerun sends
a reference of a hundred bytes, as it does for the areas.

Points (each point of a MultiPoint too) are yellow circles with a dark outline; lines and polygons are dark with a
yellow fill, so an upload stands apart from the overlay groups. A feature's name shows on hover and its fields on
click; above an upload's feature the areas below leave the mouse to it.
"""

from __future__ import annotations

import folium
import geopandas as gpd
from folium.template import Template

from mapkit import web
from mapkit.text.markup import escape
from mapkit.web.encode import SCALE, GeometryPayload, encode_features, script_json

UPLOAD_COLOUR = "#222222"
UPLOAD_FILL = "#F0E442"
UPLOAD_STYLE = {"color": UPLOAD_COLOUR, "weight": 3, "fillColor": UPLOAD_FILL, "fillOpacity": 0.3,
                "pointRadius": 6, "pointWeight": 2, "pointFillOpacity": 0.95}
"""Lines and outlines (``color``, ``weight``), polygon fill, and the points' circles (radius and line in pixels)."""
UPLOAD_PANE = ("mapkitUploads", 450)
"""Leaflet pane (name, z-index) of an upload's canvas: above the areas (350, 360) and the overlays (400), below
markers (600) and tooltips (650)."""


def encode_upload(frame: gpd.GeoDataFrame) -> GeometryPayload:
    """An upload's features (``name``, ``details``, geometry in EPSG:4326) for ``window.mapkit.uploads.layer``.

    The JSON holds ``scale``, ``kinds`` (point, line or polygon per feature), ``names`` and ``details`` (``[field,
    value]`` pairs), every text escaped with :func:`mapkit.text.markup.escape` (markup, template-literal characters
    and direction controls), and ``shapes`` in the areas' codec. Its ``codes`` are the features' numbers from 1.
    """
    shapes, kinds = encode_features(frame.geometry.values)
    details = [[[escape(key), escape(value)] for key, value in fields.items()] if isinstance(fields, dict) else []
               for fields in frame["details"]]
    payload = {"scale": SCALE, "kinds": kinds, "names": [escape(name) for name in frame["name"]], "details": details,
               "shapes": shapes}
    bounds = None
    if len(frame):
        west, south, east, north = (float(v) for v in frame.total_bounds)
        bounds = [[south, west], [north, east]]
    return GeometryPayload(codes=tuple(str(n) for n in range(1, len(frame) + 1)), json=script_json(payload),
                           bounds=bounds)


class UploadLayer(folium.map.Layer):
    """An encoded upload as one Leaflet layer on its own canvas (``window.mapkit.uploads.layer``).

    Parameters
    ----------
    payload
        From :func:`encode_upload`.
    url
        Where the browser fetches ``payload`` (its file from :func:`mapkit.web.geometry_files.write_geometry`); the
        page keeps it by :attr:`~mapkit.web.encode.GeometryPayload.version`. ``None``: inline, for a self-contained
        page.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        var {{ this.get_name() }} = window.mapkit.uploads.layer({{ this.geometry_js }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: GeometryPayload, *, url: str | None = None) -> None:
        super().__init__(overlay=True, control=False, show=True)
        self._name = "UploadLayer"
        self.payload = payload
        self.url = url
        if url is None:
            self.geometry_js = payload.script
        else:
            self.geometry_js = script_json({"url": url, "version": payload.version, "n": len(payload)})
        self.runtime = web.runtime(web.UPLOADS_RUNTIME)
        pane, z_index = UPLOAD_PANE
        self.options_json = script_json({"style": UPLOAD_STYLE, "pane": pane, "zIndex": z_index})


def upload_layer(frame: gpd.GeoDataFrame, name: str, *, show: bool = True, payload: GeometryPayload | None = None,
                 url: str | None = None) -> folium.FeatureGroup:
    """A ``FeatureGroup`` named "Your layer: <name>" holding an :class:`UploadLayer` of an upload read by
    :func:`mapkit.data.uploads.read_upload`.

    Parameters
    ----------
    frame
        The upload's features.
    name
        The file's name, for the layer control (escaped here).
    payload
        ``encode_upload(frame)`` when the caller keeps it (encoded once per upload, not per rerun).
    url
        Where the page fetches the payload (see :class:`UploadLayer`); ``None`` sends it inline.
    """
    group = folium.FeatureGroup(name=escape(f"Your layer: {name}"), show=show)
    UploadLayer(encode_upload(frame) if payload is None else payload, url=url).add_to(group)
    return group
