"""Exports for briefings: static maps (PNG, PDF, SVG), standalone HTML, CSV and the briefing pack, as bytes.

Start from a :class:`mapkit.view.View` (the app's view, or one checked for the CLI), then either call
:func:`export_bytes` for one format, or :func:`prepare` once and :func:`render` several formats from the same data.
:data:`FORMATS` names every format with its file extension and MIME type (for download buttons).

The modules, one job each: ``options`` (page sizes), ``wording`` (titles,
sources), ``cartography`` / ``legend`` / ``labels`` / ``static`` (matplotlib pages), ``html`` (folium page),
``summary`` (generated sentences), ``pack`` (briefing PDF and ZIP), ``naming`` (file names), ``formats`` (the
table), ``batch`` (one file per combined authority), ``command`` (``python -m mapkit export``). Renderers that need
matplotlib or folium are imported on first use, so ``import mapkit.export`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from mapkit.export.formats import FORMATS, Format, export_bytes, export_format, filename, render
from mapkit.export.options import PAGES, FigureOptions, Page
from mapkit.analysis.map_data import MapData, prepare

_LAZY = {
    "map_figure": "mapkit.export.static",
    "static_bytes": "mapkit.export.static",
    "map_html": "mapkit.export.html",
    "standalone_html": "mapkit.export.html",
    "pack_pdf": "mapkit.export.pack",
    "pack_zip": "mapkit.export.pack",
    "summary_text": "mapkit.export.pack",
    "summarise": "mapkit.export.summary",
    "summary_sentences": "mapkit.export.summary",
    "export_many": "mapkit.export.batch",
}

__all__ = ["FORMATS", "PAGES", "FigureOptions", "Format", "MapData", "Page", "export_bytes",
           "export_format", "filename", "prepare", "render", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mapkit.export' has no attribute {name!r}")
