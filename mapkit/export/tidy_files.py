"""A :class:`mapkit.export.tidy.TidyTable` as files: CSV (data only), CSVW metadata beside it, and XLSX with a data
sheet and an "About" sheet.

The CSV has one header row and no comment lines, so ``pandas.read_csv``, R's ``read.csv``, Excel and csvkit read
it with their defaults; what the table is goes in ``<name>.csv-metadata.json`` (W3C CSV on the Web: title,
description, sources, licence, release, method, caveats, and each column's type and meaning) and in the XLSX's
"About" sheet. Text cells a spreadsheet would run as a formula are neutralised in both the CSV and the XLSX
(:mod:`mapkit.text.csvsafe`).
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from mapkit.errors import ParameterError, UnknownNameError
from mapkit.export.tidy import SCHEMA_VERSION, TidyTable
from mapkit.files import write_atomic
from mapkit.text.csvsafe import csv_text, neutralise

LICENCE_URLS = {"Open Government Licence v3.0":
                "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                "MIT licence": "https://opensource.org/license/mit"}
"""Licences by the name ``layers/sources.toml`` gives them, for CSVW's ``dc:license``."""
METADATA_SUFFIX = "-metadata.json"
"""CSVW's default place for a CSV's metadata: ``<file>.csv`` is described by ``<file>.csv-metadata.json``."""
FLOAT_FORMAT = "%.15g"
"""Numbers in CSV: up to 15 significant digits, more than any rounded figure has; no trailing ``.0``."""
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(table: TidyTable) -> str:
    """The table as CSV text: one header row of column names, then the rows (``\\n`` line ends, UTF-8 text);
    numbers as written by :mod:`mapkit.export.tidy` (a whole number without ``.0``)."""
    return csv_text(table.frame, float_format=FLOAT_FORMAT)


def metadata(table: TidyTable, csv_name: str) -> dict[str, Any]:
    """CSVW metadata (JSON-LD) describing the CSV ``csv_name`` (a name relative to the metadata file)."""
    licences = list(dict.fromkeys(s.licence for s in table.sources))
    doc: dict[str, Any] = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": csv_name,
        "dc:title": table.title,
        "dc:description": table.description,
        "dc:publisher": list(dict.fromkeys(s.publisher for s in table.sources)),
        "dc:source": [s.line() for s in table.sources],
        "dc:license": [{"@id": LICENCE_URLS[name]} if name in LICENCE_URLS else name for name in licences],
        "dc:conformsTo": f"mapkit tidy table schema {SCHEMA_VERSION}",
        "dcat:landingPage": [{"@id": url} for s in table.sources for url in s.urls],
        "rdfs:comment": [line for line in (table.method, *table.caveats) if line],
        "dialect": {"header": True, "encoding": "utf-8", "doubleQuote": True},
        "tableSchema": {"columns": [
            {"name": column.name, "titles": column.name, "datatype": column.datatype,
             "dc:description": column.description} for column in table.columns()]},
    }
    return {key: value for key, value in doc.items() if value not in ("", [])}


def metadata_json(table: TidyTable, csv_name: str) -> str:
    """:func:`metadata` as indented JSON text."""
    return json.dumps(metadata(table, csv_name), indent=2, ensure_ascii=False) + "\n"


def about_rows(table: TidyTable) -> list[tuple[str, str]]:
    """The "About" sheet, as (heading, text) rows: what the table is, its sources, method, caveats and columns."""
    rows = [("Title", table.title), ("Description", table.description)]
    rows += [("Source", source.line()) for source in table.sources]
    rows += [("Method", table.method)] if table.method else []
    rows += [("Caveat", line) for line in table.caveats]
    rows += [("Schema", f"mapkit tidy table schema {SCHEMA_VERSION}: one row per area and period; the first eight "
                        "columns are the same in every table.")]
    rows += [(f"Column {column.name}", f"{column.description} ({column.datatype})") for column in table.columns()]
    return rows


def to_xlsx(table: TidyTable) -> bytes:
    """The table as an XLSX workbook: a "Data" sheet (numbers as numbers, a filter on the header row, the header
    frozen) and an "About" sheet (:func:`about_rows`). Text that would start a formula is written as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    data = book.active
    data.title = "Data"
    frame = table.frame
    data.append([neutralise(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        data.append([_cell(value) for value in row])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    data.auto_filter.ref = data.dimensions
    for index, name in enumerate(frame.columns, start=1):
        width = max([len(str(name))] + [len(str(v)) for v in frame[name].head(200)])
        data.column_dimensions[data.cell(1, index).column_letter].width = min(60, max(10, width + 2))
    about = book.create_sheet("About")
    for heading, text in about_rows(table):
        about.append([neutralise(heading), neutralise(text)])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 120
    for (heading, text) in about.iter_rows():
        heading.font = Font(bold=True)
        heading.alignment = text.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.title = table.title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A frame cell as openpyxl takes it: ``None`` for missing, plain numbers, neutralised text."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    return neutralise(value) if isinstance(value, str) else value


@dataclasses.dataclass(frozen=True)
class TableFormat:
    """One way to write a tidy table: its name (``--format``), what a button says, and the files it makes."""

    name: str
    label: str
    files: Callable[[TidyTable, str], dict[str, bytes]]


def _csv_files(table: TidyTable, stem: str) -> dict[str, bytes]:
    return {f"{stem}.csv": to_csv(table).encode("utf-8")}


def _csvw_files(table: TidyTable, stem: str) -> dict[str, bytes]:
    name = f"{stem}.csv"
    return {name: to_csv(table).encode("utf-8"), name + METADATA_SUFFIX: metadata_json(table, name).encode("utf-8")}


def _xlsx_files(table: TidyTable, stem: str) -> dict[str, bytes]:
    return {f"{stem}.xlsx": to_xlsx(table)}


TABLE_FORMATS: dict[str, TableFormat] = {f.name: f for f in (
    TableFormat("csv", "CSV (data only; one header row)", _csv_files),
    TableFormat("xlsx", "Excel workbook (XLSX: data and an About sheet)", _xlsx_files),
    TableFormat("csvw", "CSV on the Web (the CSV and its .csv-metadata.json)", _csvw_files),
)}


def table_files(table: TidyTable, fmt: str, stem: str | None = None) -> dict[str, bytes]:
    """The files of ``table`` in format ``fmt`` by name (``stem`` defaults to the table's name)."""
    try:
        chosen = TABLE_FORMATS[fmt]
    except KeyError:
        raise UnknownNameError(f"Unknown table format {fmt!r}: use one of {', '.join(TABLE_FORMATS)}.") from None
    return chosen.files(table, stem or table.name)


def write_table(table: TidyTable, fmt: str, output: Path | None, write_text: Callable[[str], None]) -> list[Path]:
    """Write ``table`` for the command line: CSV through ``write_text`` (standard output) when no ``output`` is
    given, else the format's files (``output`` names the CSV or XLSX file; CSVW writes its metadata beside the CSV).
    Files are written whole or not at all. Returns the paths written.

    Raises
    ------
    ParameterError
        For XLSX or CSVW without an output file, or an output that is a folder.
    """
    if output is None:
        if fmt != "csv":
            raise ParameterError(f"--format {fmt} writes files: give one with -o, e.g. -o {table.name}."
                                 f"{'xlsx' if fmt == 'xlsx' else 'csv'}")
        write_text(to_csv(table))
        return []
    if output.is_dir():
        raise ParameterError(f"-o {output} is a folder: give a file name, e.g. {output / table.name}.csv")
    files = table_files(table, fmt, output.stem if output.suffix.lower() in (".csv", ".xlsx") else output.name)
    written = []
    for name, payload in files.items():
        path = output.parent / name
        write_atomic(path, payload)
        written.append(path)
    return written
