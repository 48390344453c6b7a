"""Many exports in one run: one file per combined authority (``--all-cas``), with progress reported as it goes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from mapkit.data import regions
from mapkit.export.formats import filename, render
from mapkit.export.options import FigureOptions
from mapkit.prepared import prepare
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
    """Write each view's export into ``folder`` (created if needed) under its descriptive name."""
    views = list(views)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for done, view in enumerate(views):
        data = prepare(view)
        if progress:
            progress(done, len(views), data.region_name)
        path = folder / filename(data, fmt)
        path.write_bytes(render(data, fmt, options))
        written.append(path)
    if progress:
        progress(len(views), len(views), "")
    return written
