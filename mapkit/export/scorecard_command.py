"""``python -m mapkit scorecard``: the scorecards of a region's schemes as CSV or JSON, to stdout or a file.

Errors are :class:`mapkit.MapkitError` subclasses, which ``mapkit.cli.main`` prints and turns into exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mapkit.analysis.nearby import DEFAULT_DISTANCE_KM
from mapkit.data.products import ENGLAND
from mapkit.errors import ParameterError
from mapkit.files import write_atomic, write_output
from mapkit.specs.registry import overlay_declarations

FORMATS = ("csv", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``scorecard`` subcommand's arguments."""
    parser.add_argument("--region", default=ENGLAND,
                        help="England (E92000001, the default), a combined authority (E47...) or a district code")
    parser.add_argument("--scheme", default=None, metavar="ID", help="one scheme's id (--list shows them)")
    parser.add_argument("--overlays", default="growth_locations,transport_schemes",
                        help="comma-separated overlay ids or unique prefixes (default: both groups)")
    parser.add_argument("--status", nargs="+", default=None, metavar="CATEGORY",
                        help="only features of these statuses (a line keeps its stops of those statuses): "
                             f"{', '.join(overlay_declarations().status.order)}; quote 'under construction'")
    parser.add_argument("--as-of", dest="as_of", default=None, metavar="YYYY-MM-DD",
                        help="only features whose status was recorded by this date")
    parser.add_argument("--distance", type=float, default=DEFAULT_DISTANCE_KM, metavar="KM",
                        help=f"residents within this distance of a scheme without a zone (0.5 to 5; default "
                             f"{DEFAULT_DISTANCE_KM:g})")
    parser.add_argument("--period", default=None, metavar="START:END",
                        help="years of the growth series' change, e.g. 2013:2023 (default: the latest ten years ONS "
                             "publishes)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (tidy, one row per figure) or json")
    parser.add_argument("--list", action="store_true", help="list the region's schemes (id, name, group, status)")
    parser.add_argument("-o", "--output", type=Path, default=None, help="write to this file instead of stdout")


def run(args: argparse.Namespace) -> int:
    """Print or write the scorecards (or the list of schemes)."""
    from mapkit.analysis.scorecard import check_period, scheme_list, scorecards
    from mapkit.analysis.series import parse_change
    from mapkit.data.overlays import overlay_in_region
    from mapkit.data.status_dates import check_as_of
    from mapkit.export.command import overlay_ids
    from mapkit.export.scorecards import scorecard_csv, scorecard_json
    from mapkit.text.csvsafe import csv_text

    overlays = overlay_ids(args.overlays)
    if not overlays:
        raise ParameterError("--overlays is empty: name growth_locations, transport_schemes or both.")
    as_of = check_as_of(args.as_of) if args.as_of else None
    if args.list:
        import pandas as pd

        rows = [{"scheme_id": s.id, "scheme_name": s.name, "scheme_group": s.group, "scheme_status": s.status_label}
                for o in overlays
                for s in scheme_list(overlay_in_region(o, args.region, statuses=args.status, as_of=as_of), o)]
        text = csv_text(pd.DataFrame(rows, columns=["scheme_id", "scheme_name", "scheme_group", "scheme_status"]))
    else:
        period = check_period(parse_change(args.period)) if args.period else None
        cards = scorecards(args.region, overlays=overlays, statuses=args.status, as_of=as_of, scheme=args.scheme,
                           distance_km=args.distance, period=period)
        text = scorecard_csv(cards) if args.format == "csv" else scorecard_json(cards)
    if args.output is None:
        write_output(text)
    else:
        write_atomic(args.output, text.encode("utf-8"))
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
