"""Argument parsing for ``python -m mapkit``; each subcommand is a small function in ``COMMANDS``."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Callable

from mapkit.errors import MapkitError, ParameterError


def _build_data(args: argparse.Namespace) -> int:
    from mapkit.pipeline import build_data

    report = build_data(raw=args.raw, out=args.out, download=args.download, mirror=args.mirror,
                        log=lambda msg: print(msg, file=sys.stderr))
    for level, info in report["boundaries"].items():
        print(f"{level}: {info['features']} areas, {info['coordinates_out']:,} coordinates", file=sys.stderr)
    return _build_web(argparse.Namespace(data=args.out))


def _build_web(args: argparse.Namespace) -> int:
    from mapkit.web.build_web import build_web_geometry

    for path in build_web_geometry(args.data):
        print(f"web geometry: {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


def _build_overlays(args: argparse.Namespace) -> int:
    from mapkit.pipeline.overlays import build_overlays

    report = build_overlays(reference=args.reference, out=args.out, log=lambda msg: print(msg, file=sys.stderr))
    for row in report["status_unclassified"]:
        print(f"status not mapped: {row['name']!r}: {row['status']!r} ({row['reason']})", file=sys.stderr)
    for row in report.get("district_check", {}).get("exceptions", []):
        print(f"district check: {row['name']!r} states {row['lad']!r}, lies in {row['found']}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from mapkit.export.command import run

    return run(args)


def _install_assets(args: argparse.Namespace) -> int:
    from mapkit.web.assets import ENV_VAR, install_assets

    files = install_assets(source=args.source, target=args.target)
    size = sum((args.target / f).stat().st_size for f in files)
    print(f"Installed {len(files)} files ({size / 1024 / 1024:.1f} MB) in {args.target}. Serve them with "
          f"{ENV_VAR}=1 streamlit run app.py --server.enableStaticServing true", file=sys.stderr)
    return 0


def _indicators(args: argparse.Namespace) -> int:
    from mapkit.specs.registry import registry

    from mapkit.text.csvsafe import write_rows

    write_rows(sys.stdout, [["id", "label", "theme", "levels", "unit", "period", "source"]] + [
        [spec.id, spec.label, spec.theme, " ".join(spec.levels), spec.unit, spec.period,
         registry().sources[spec.source].publisher] for spec in registry().indicators.values()])
    return 0


def _publish(args: argparse.Namespace) -> int:
    from mapkit.publish.site import publish

    report = publish(args.out, regions=args.region, levels=args.levels, log=lambda msg: print(msg, file=sys.stderr))
    for reason in report.skipped:
        print(f"left out: {reason}", file=sys.stderr)
    print(f"Published {report.maps:,} maps of {report.views} views to {report.out} ({report.files:,} files, "
          f"{report.bytes / 1e6:.1f} MB). Serve the folder with any static web server, e.g. "
          f"`python -m http.server -d {report.out}`; index.html shows the embed snippet.", file=sys.stderr)
    return 0


def _regions(args: argparse.Namespace) -> int:
    from mapkit.data.products import regions

    from mapkit.text.csvsafe import csv_text

    sys.stdout.write(csv_text(regions()))
    return 0


def _table(args: argparse.Namespace) -> int:
    from mapkit.analysis import series_tables
    from mapkit.analysis.series import parse_change
    from mapkit.analysis.tables import indicator_csv

    if args.versus:
        sys.stdout.write(_versus_csv(args))
        return 0
    if args.versus_year is not None or args.versus_change is not None:
        raise ParameterError("--versus-year and --versus-change give the period of a second indicator: add --versus.")
    if args.year is not None:
        text = series_tables.year_csv(args.indicator, args.level, args.region, args.year)
    elif args.change is not None:
        text = series_tables.change_csv(args.indicator, args.level, args.region, *parse_change(args.change))
    elif args.years:
        text = series_tables.years_csv(args.indicator, args.level, args.region)
    else:
        text = indicator_csv(args.indicator, args.level, args.region)
    sys.stdout.write(text)
    return 0


def _scorecard(args: argparse.Namespace) -> int:
    from mapkit.export.scorecard_command import run

    return run(args)


def _versus_csv(args: argparse.Namespace) -> str:
    """``table --versus``: one row per area with both measures and the area's cell (tidy, no comment lines)."""
    from mapkit.analysis.versus_tables import versus_table
    from mapkit.export.command import periods, prepared
    from mapkit.text.csvsafe import csv_text
    from mapkit.view import View

    when, versus = periods(args)
    view = View(region=args.region, level=args.level, indicator=args.indicator, compare=args.compare, **when)
    return csv_text(versus_table(prepared(view, versus)))


def _series(args: argparse.Namespace) -> int:
    from mapkit.analysis.series_tables import area_series_csv

    sys.stdout.write(area_series_csv(args.indicator, args.region))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build-data": _build_data,
    "build-overlays": _build_overlays,
    "build-web": _build_web,
    "export": _export,
    "indicators": _indicators,
    "install-assets": _install_assets,
    "publish": _publish,
    "regions": _regions,
    "scorecard": _scorecard,
    "series": _series,
    "table": _table,
}


def parser() -> argparse.ArgumentParser:
    from mapkit.web.assets import NODE_MODULES, VENDOR_DIR
    from mapkit.pipeline.build import DEFAULT_OUT
    from mapkit.export.command import add_arguments as add_export_arguments
    from mapkit.export.scorecard_command import add_arguments as add_scorecard_arguments
    from mapkit.export.command import add_versus_arguments
    from mapkit.specs.classes import COMPARES
    from mapkit.specs.registry import LEVELS

    root = argparse.ArgumentParser(prog="python -m mapkit", description="England policy map: data and exports.")
    sub = root.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build-data", help="build data/ from the raw official files")
    build.add_argument("--raw", type=Path, default=None, help="raw folder (default ../shared/data/raw)")
    build.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default data/)")
    build.add_argument("--download", action="store_true", help="fetch the sources from their publishers first")
    build.add_argument("--mirror", default=None, help="with --download: fetch MIRROR/<raw path> instead")
    web = sub.add_parser("build-web", help="encode every level's web geometry into data/web/ (build-data runs it)")
    web.add_argument("--data", type=Path, default=None, help="products folder (default data/ or $MAPKIT_DATA_DIR)")
    overlays = sub.add_parser("build-overlays", help="build layers/overlays/*.geojson from the overlay research CSV")
    overlays.add_argument("--reference", type=Path, default=None,
                          help="research CSV (default ../shared/reference/overlays_research.csv)")
    overlays.add_argument("--out", type=Path, default=None, help="output folder (default layers/overlays)")
    add_export_arguments(sub.add_parser("export", help="export a map, its data or a briefing pack to a file"))
    sub.add_parser("indicators", help="list indicator ids, labels and levels (CSV)")
    assets = sub.add_parser("install-assets", help="copy the map's scripts from node_modules/ to static/vendor/ so "
                                                   "the app can serve them (docs/offline.md)")
    assets.add_argument("--source", type=Path, default=NODE_MODULES, help="npm folder (default node_modules/)")
    assets.add_argument("--target", type=Path, default=VENDOR_DIR, help="served folder (default static/vendor/)")
    site = sub.add_parser("publish", help="write a static site of the maps (no Python needed to serve it)")
    site.add_argument("--out", type=Path, required=True, help="the site's folder (new, empty or an earlier site)")
    site.add_argument("--region", nargs="+", default=None, metavar="CODE",
                      help="region codes (default: England and every combined authority)")
    site.add_argument("--levels", nargs="+", default=None, choices=LEVELS,
                      help="levels to publish where a region offers them (default: all)")
    sub.add_parser("regions", help="list region codes (CSV)")
    add_scorecard_arguments(sub.add_parser("scorecard", help="scorecards of the growth locations and transport "
                                                             "schemes in a region (CSV or JSON)"))
    table = sub.add_parser("table", help="print one indicator as CSV: code,name,value,...")
    table.add_argument("--level", required=True, choices=LEVELS)
    table.add_argument("--indicator", required=True)
    table.add_argument("--region", default="E92000001")
    when = table.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, default=None,
                      help="a year of the indicator's ONS time series (districts and combined authorities)")
    when.add_argument("--change", default=None, metavar="START:END",
                      help="change between two years of the series, e.g. 2013:2023")
    when.add_argument("--years", action="store_true", help="one row per area and year, every year ONS publishes")
    add_versus_arguments(table)
    table.add_argument("--compare", choices=list(COMPARES), default="england",
                       help="with --versus: thirds of all England's areas at the level (default) or of the region's")
    series = sub.add_parser("series", help="print one area's ONS time series as CSV")
    series.add_argument("--indicator", required=True, help="an indicator with a series (e.g. gva_per_hour) or a "
                                                           "series id from layers/series.toml")
    series.add_argument("--region", required=True, help="England, a combined authority or a district code")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if hasattr(signal, "SIGXFSZ"):  # past a file-size limit, a write fails with an error instead of killing us
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        return COMMANDS[args.command](args)
    except MapkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
