"""Many exports in one run: one file per combined authority (``--all-cas``), with progress reported as it goes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from mapkit.data.products import regions
from mapkit.errors import OutputError
from mapkit.export.formats import filename, render
from mapkit.export.options import FigureOptions
from mapkit.files import write_atomic
from mapkit.analysis.map_data import prepare
from mapkit.view import View

Progress = Callable[[int, int, str], None]
"""Called before each item with (items done, total, what comes next) and once at the end with (total, total, "")."""


def combined_authorities() -> list[tuple[str, str]]:
    """(code, name) of every combined authority, by name."""
    table = regions()
    cas = table[table["kind"] == "ca"]
    return list(zip(cas["code"], cas["name"]))


def ca_views(settings: Mapping[str, Any]) -> list[View]:
    """One view per combined authority with the same ``settings`` (every ``View`` field but ``region``)."""
    return [View(region=code, **settings) for code, _ in combined_authorities()]


def export_many(views: Iterable[View], fmt: str, folder: Path, *, options: FigureOptions = FigureOptions(),
                progress: Progress | None = None) -> list[Path]:
    """Write each view's export into ``folder`` (created if needed) under its descriptive name.

    Each file is written whole or not at all. When one cannot be written, the :class:`OutputError` says which
    files were written before it.
    """
    views = list(views)
    written: list[Path] = []
    for done, view in enumerate(views):
        data = prepare(view)
        if progress:
            progress(done, len(views), data.region_name)
        path = folder / filename(data, fmt)
        try:
            write_atomic(path, render(data, fmt, options))
        except OutputError as exc:
            names = ", ".join(p.name for p in written)
            wrote = (f"; {len(written)} of {len(views)} files were written before it: {names}" if written
                     else f"; none of the {len(views)} files was written")
            raise OutputError(f"{exc}{wrote}") from None
        written.append(path)
    if progress:
        progress(len(views), len(views), "")
    return written
