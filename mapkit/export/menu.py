"""The export menu a page offers: each entry a format on a page size, and the file it makes for a download.

The app shows :data:`EXPORTS` as its format picker; :func:`export_file` turns prepared data and one entry into the
bytes, file name and MIME type of a download, so the app holds no naming or rendering logic of its own.
"""

from __future__ import annotations

import dataclasses

from mapkit.export.formats import FORMATS, filename, render
from mapkit.export.options import FigureOptions
from mapkit.analysis.map_data import MapData


@dataclasses.dataclass(frozen=True)
class ExportChoice:
    """One entry of the export menu: a format of :data:`mapkit.export.FORMATS` on a page size."""

    label: str
    fmt: str
    page: str = "a4"
    suffix: str = ""

    @property
    def static(self) -> bool:
        """Whether the file is drawn by matplotlib (and can name areas on the map)."""
        return self.fmt not in ("html", "csv", "xlsx")


EXPORTS: dict[str, ExportChoice] = {
    "png_a4": ExportChoice("Map image, A4 landscape (PNG, 300 dpi)", "png"),
    "png_slide": ExportChoice("Map image, 16:9 slide (PNG, 300 dpi)", "png", page="slide", suffix="_slide"),
    "pdf": ExportChoice("Map for print, A4 landscape (PDF, vector)", "pdf"),
    "svg": ExportChoice("Map for editing, A4 landscape (SVG, vector)", "svg"),
    "html": ExportChoice(FORMATS["html"].label, "html"),
    "csv": ExportChoice(FORMATS["csv"].label, "csv"),
    "xlsx": ExportChoice(FORMATS["xlsx"].label, "xlsx"),
    "pack": ExportChoice(FORMATS["pack"].label, "pack"),
    "zip": ExportChoice(FORMATS["zip"].label, "zip"),
}


def export_file(data: MapData, choice_key: str, *, labels: int = 0) -> tuple[bytes, str, str]:
    """The bytes, file name and MIME type of one menu entry's export of prepared data."""
    choice = EXPORTS[choice_key]
    content = render(data, choice.fmt, FigureOptions(page=choice.page, labels=labels if choice.static else 0))
    name = filename(data, choice.fmt)
    if choice.suffix:
        stem, _, extension = name.rpartition(".")
        name = f"{stem}{choice.suffix}.{extension}"
    return content, name, FORMATS[choice.fmt].mime


def size_text(n_bytes: int) -> str:
    """A file size as a person reads it: "840 kB", "2.3 MB"."""
    return f"{n_bytes / 1024 / 1024:.1f} MB" if n_bytes >= 1024 * 1024 else f"{max(1, round(n_bytes / 1024))} kB"
