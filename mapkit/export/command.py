"""``python -m mapkit export``: one view to one file, or ``--all-cas`` to one file per combined authority.

Arguments are parsed here and checked by the same classes the app uses (:class:`mapkit.view.View`,
:class:`FigureOptions`); their errors are :class:`mapkit.MapkitError` subclasses, which ``mapkit.cli.main``
prints and turns into exit code 2. Files are written whole or not at all (:func:`mapkit.files.write_atomic`); a
file that cannot be written gives one ``error: <path>: <cause>`` line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from mapkit.specs.classes import BREAKS_FROM, SCHEMES
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.export.formats import FORMATS, export_format, render
from mapkit.export.options import DEFAULT_DPI, MAX_LABELS, PAGES, FigureOptions
from mapkit.files import write_atomic
from mapkit.analysis.map_data import prepare
from mapkit.analysis.series import parse_change
from mapkit.specs.classes import CENTRES
from mapkit.specs.layouts import LAYOUTS
from mapkit.view import DEFAULT, View
from mapkit.specs.registry import LEVELS, overlay_specs, registry
from mapkit.specs.palettes import DEFAULT as DEFAULT_PALETTE
from mapkit.specs.palettes import PALETTES

BAR_WIDTH = 24


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``export`` subcommand's arguments."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--region", help="region code: E92000001 England, E47... combined authority, E06-E09 district")
    where.add_argument("--all-cas", action="store_true",
                       help="one file per combined authority, written into the folder given by -o")
    parser.add_argument("--level", required=True, choices=LEVELS)
    parser.add_argument("--indicator", required=True, help="indicator id (python -m mapkit indicators)")
    parser.add_argument("--scheme", choices=list(SCHEMES), default=None,
                        help="classification (default: national deciles where published, else quantiles)")
    parser.add_argument("--k", type=int, default=DEFAULT.k, help=f"number of classes (default {DEFAULT.k})")
    parser.add_argument("--breaks", "--compare", dest="breaks_from", choices=list(BREAKS_FROM),
                        default=DEFAULT.breaks_from,
                        help="class breaks from all of England or from the region's areas (--compare: its old name)")
    parser.add_argument("--palette", choices=[DEFAULT_PALETTE, *PALETTES], default=DEFAULT_PALETTE,
                        help="colour ramp ('print' for greyscale copies; default: the indicator's own)")
    parser.add_argument("--overlays", default="",
                        help="comma-separated overlay ids or unique prefixes, e.g. growth,transport")
    parser.add_argument("--as-of", dest="as_of", default=None, metavar="YYYY-MM-DD",
                        help="show only overlay schemes whose status was recorded by this date, and flag statuses "
                             "over a year older than it (default: today)")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, default=None,
                      help="a year of the indicator's ONS time series (districts and combined authorities)")
    when.add_argument("--change", default=None, metavar="START:END",
                      help="map the change between two years of the series, e.g. 2013:2023")
    parser.add_argument("--centre", choices=list(CENTRES), default=DEFAULT.centre,
                        help="middle of a change map's diverging palette (default: no change)")
    parser.add_argument("--layout", choices=list(LAYOUTS), default=DEFAULT.layout,
                        help="map: areas as they lie; hex: each area one equal hexagon (districts; wards of a "
                             "combined authority or a district). Hex layout: Open Innovations")
    add_versus_arguments(parser)
    parser.add_argument("--page", choices=list(PAGES), default="a4", help="page size of static maps")
    parser.add_argument("--dpi", type=int, default=DEFAULT_DPI, help=f"PNG resolution (default {DEFAULT_DPI})")
    parser.add_argument("--labels", type=int, default=0,
                        help=f"label the N worst and N best areas by name (0 to {MAX_LABELS}; default 0)")
    parser.add_argument("--format", required=True, choices=list(FORMATS),
                        help="; ".join(f"{f.name}: {f.label}" for f in FORMATS.values()))
    parser.add_argument("-o", "--output", required=True, type=Path,
                        help="output file (a folder with --all-cas)")


def overlay_ids(text: str) -> tuple[str, ...]:
    """Overlay ids from a comma-separated list of ids or unique prefixes ("growth" -> "growth_locations").

    Raises
    ------
    UnknownNameError
        For a name that matches no declared overlay, or several.
    """
    known = list(overlay_specs())
    chosen: list[str] = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        matches = [name] if name in known else [o for o in known if o.startswith(name)]
        if len(matches) != 1:
            why = "matches several overlays" if matches else "is not a declared overlay"
            raise UnknownNameError(f"--overlays {name!r} {why}: use {', '.join(known)} (or a unique prefix).")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return tuple(chosen)


def add_versus_arguments(parser: argparse.ArgumentParser) -> None:
    """``--versus`` and its period, shared by ``export`` and ``table``."""
    parser.add_argument("--versus", default=None, metavar="INDICATOR",
                        help="a second indicator at the same level: a bivariate map (3 x 3 thirds) of the two")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--versus-year", dest="versus_year", type=int, default=None,
                      help="a year of the second indicator's ONS time series")
    when.add_argument("--versus-change", dest="versus_change", default=None, metavar="START:END",
                      help="the change in the second indicator's series, e.g. 2013:2023. Without it, --year and "
                           "--change apply to the second indicator when the first has no time series")


def periods(args: argparse.Namespace) -> dict[str, object]:
    """The View fields of the periods and the second measure: ``year``, ``change``, and with ``--versus`` also
    ``versus``, ``versus_year``, ``versus_change``.

    ``--year`` and ``--change`` give the period of the first indicator's series; when it has none and ``--versus``
    is given without a period of its own, they give the second's, so ``--indicator imd_score --versus gva_per_hour
    --change 2013:2023`` reads as written.
    """
    change = parse_change(args.change) if getattr(args, "change", None) else None
    year = getattr(args, "year", None)
    versus = getattr(args, "versus", None)
    if not versus:
        return {"year": year, "change": change}
    versus_change = parse_change(args.versus_change) if getattr(args, "versus_change", None) else None
    versus_year = getattr(args, "versus_year", None)
    if versus_change is None and versus_year is None and registry().series_for(args.indicator) is None:
        year, change, versus_year, versus_change = None, None, year, change
    return {"year": year, "change": change, "versus": versus, "versus_year": versus_year,
            "versus_change": versus_change}


def settings(args: argparse.Namespace) -> dict[str, object]:
    """Every :class:`mapkit.view.View` field but the region."""
    return {"level": args.level, "indicator": args.indicator, "scheme": args.scheme, "k": args.k,
            "breaks_from": args.breaks_from, "palette": args.palette, "overlays": overlay_ids(args.overlays),
            **periods(args), "centre": getattr(args, "centre", DEFAULT.centre), "as_of": getattr(args, "as_of", None),
            "layout": getattr(args, "layout", DEFAULT.layout)}


class ProgressBar:
    """A one-line progress bar on a terminal; one line per step when the stream is not a terminal (logs, CI)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.live = self.stream.isatty()

    def __call__(self, done: int, total: int, label: str) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        label = "done" if done == total else label
        text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {label}"
        if self.live:
            self.stream.write("\r\x1b[2K" + text + ("\n" if done == total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} kB" if n >= 1024 else f"{n} B"


def run(args: argparse.Namespace) -> int:
    """Write the export(s); messages go to stderr."""
    from mapkit.export.batch import ca_views, export_many

    export_format(args.format)
    options = FigureOptions(page=args.page, dpi=args.dpi, labels=args.labels)
    out: Path = args.output
    if args.all_cas:
        if out.exists() and not out.is_dir():
            raise ParameterError(f"-o {out} is a file: with --all-cas, give a folder to write one file per "
                                 "combined authority into.")
        views = ca_views(settings(args))
        written = export_many(views, args.format, out, options=options, progress=ProgressBar())
        print(f"wrote {len(written)} files to {out}", file=sys.stderr)
        return 0
    if out.is_dir():
        example = out / f"map.{FORMATS[args.format].extension}"
        raise ParameterError(f"-o {out} is a folder: give a file name, e.g. {example}.")
    view = View(region=args.region, **settings(args))  # type: ignore[arg-type]
    payload = render(prepare(view), args.format, options)
    write_atomic(out, payload)
    print(f"wrote {out} ({_size(len(payload))})", file=sys.stderr)
    return 0
