"""Export formats by name: what each produces, its file extension and MIME type, and the function that makes it.

This is the table the command line and the app's download buttons read, so adding a format means one entry here.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from mapkit.errors import UnknownNameError
from mapkit.export.naming import file_stem
from mapkit.export.options import FigureOptions
from mapkit.analysis.map_data import MapData, prepare
from mapkit.view import View

# Renderers import matplotlib and folium when first called, so reading this table (the command line's argument
# parser does) stays cheap.


def png_bytes(data: MapData, options: FigureOptions) -> bytes:
    from mapkit.export.static import static_bytes

    return static_bytes(data, "png", options)


def pdf_bytes(data: MapData, options: FigureOptions) -> bytes:
    from mapkit.export.static import static_bytes

    return static_bytes(data, "pdf", options)


def svg_bytes(data: MapData, options: FigureOptions) -> bytes:
    from mapkit.export.static import static_bytes

    return static_bytes(data, "svg", options)


def html_bytes(data: MapData, options: FigureOptions) -> bytes:
    from mapkit.export.html import map_html

    return map_html(data)


def csv_bytes(data: MapData, options: FigureOptions) -> bytes:
    """The map's tidy table (``python -m mapkit table``; for two measures ``table --versus``): data only, its
    metadata in the XLSX and CSVW forms."""
    from mapkit.export.tidy import data_table
    from mapkit.export.tidy_files import to_csv

    return to_csv(data_table(data)).encode("utf-8")


def xlsx_bytes(data: MapData, options: FigureOptions) -> bytes:
    """The map's tidy table as a workbook: the data and an "About" sheet (sources, licence, method, caveats)."""
    from mapkit.export.tidy import data_table
    from mapkit.export.tidy_files import to_xlsx

    return to_xlsx(data_table(data))


def pack_pdf_bytes(data: MapData, options: FigureOptions) -> bytes:
    from mapkit.export.pack import pack_pdf

    return pack_pdf(data, options)


def pack_zip_bytes(data: MapData, options: FigureOptions) -> bytes:
    from mapkit.export.pack import pack_zip

    return pack_zip(data, options)


@dataclasses.dataclass(frozen=True)
class Format:
    """One export format.

    Attributes
    ----------
    name
        Key used by ``--format`` and the app.
    label
        What a download button or help text shows.
    extension, mime
        File extension (no dot) and MIME type of the bytes.
    render
        ``(MapData, FigureOptions) -> bytes``.
    suffix
        Added to the file stem so that two formats with one extension do not collide ("_briefing").
    """

    name: str
    label: str
    extension: str
    mime: str
    render: Callable[[MapData, FigureOptions], bytes]
    suffix: str = ""


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("png", "Map image (PNG)", "png", "image/png", png_bytes),
    Format("pdf", "Map for print (PDF, vector)", "pdf", "application/pdf", pdf_bytes),
    Format("svg", "Map for editing (SVG, vector)", "svg", "image/svg+xml", svg_bytes),
    Format("html", "Interactive map (HTML, one file)", "html", "text/html", html_bytes),
    Format("csv", "Data (CSV)", "csv", "text/csv", csv_bytes),
    Format("xlsx", "Data with its sources (Excel XLSX)", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_bytes),
    Format("pack", "Briefing pack (PDF: map, summary, rankings)", "pdf", "application/pdf", pack_pdf_bytes,
           suffix="_briefing"),
    Format("zip", "Briefing set (ZIP: PNG, CSV with CSVW metadata, summary, briefing PDF)", "zip", "application/zip",
           pack_zip_bytes),
)}


def export_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownNameError(f"Unknown export format {name!r}: use one of {', '.join(FORMATS)}.") from None


def render(data: MapData, fmt: str, options: FigureOptions = FigureOptions()) -> bytes:
    """A prepared view in one format (prepare once, render several formats)."""
    return export_format(fmt).render(data, options)


def export_bytes(view: View, fmt: str, options: FigureOptions = FigureOptions()) -> bytes:
    """The export of ``view`` in format ``fmt`` as bytes, ready for a download button or a file."""
    chosen = export_format(fmt)
    return chosen.render(prepare(view), options)


def filename(data: MapData, fmt: str) -> str:
    """A descriptive file name, e.g. ``E47000007_west-midlands_imd_score_ward.png``."""
    chosen = export_format(fmt)
    return f"{file_stem(data)}{chosen.suffix}.{chosen.extension}"
