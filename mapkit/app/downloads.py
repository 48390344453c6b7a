"""Download buttons of a table: the tidy CSV and the Excel workbook with its About sheet (sources, licence,
method, caveats), both made when clicked (:func:`mapkit.app.cached.table_file`)."""

from __future__ import annotations

import functools

import streamlit as st

from mapkit.app.cached import table_file
from mapkit.export.tidy_files import XLSX_MIME

FORMATS = {"csv": ("CSV", "text/csv"), "xlsx": ("Excel, with sources", XLSX_MIME)}
"""Per format: what its button says after the table's name, and its MIME type."""


def table_downloads(label: str, kind: str, args: tuple, *, stem: str, key: str, help: str | None = None) -> None:
    """Two buttons side by side, "<label> (CSV)" and "<label> (Excel, with sources)", for the tidy table
    ``kind`` of ``args`` (:data:`mapkit.export.tidy.TABLES`), saved as ``<stem>.csv`` and ``<stem>.xlsx``."""
    for column, (fmt, (words, mime)) in zip(st.columns(len(FORMATS)), FORMATS.items()):
        column.download_button(
            f"{label} ({words})", data=functools.partial(table_file, kind, args, fmt),  # made when clicked
            file_name=f"{stem}.{fmt}", mime=mime, key=f"{key}_{fmt}", on_click="ignore",
            icon=":material/download:",
            help=help or "Every row of the table, one header row (the tidy schema of the README); the Excel file "
                         "adds an About sheet with the sources, licence, method and caveats.")
