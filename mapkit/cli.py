"""Argument parsing for ``python -m mapkit``; each subcommand is a small function in ``COMMANDS``.

Errors end in one ``error:`` line on standard error and exit status 2, never a traceback; that includes output that
cannot be written (a full disk). Output whose reader has gone (``| head``) ends the command quietly with status 141,
as a Unix tool killed by SIGPIPE does.
"""

from __future__ import annotations

import argparse
import io
import signal
import sys
from pathlib import Path
from typing import Callable

from mapkit.errors import MapkitError, ParameterError
from mapkit.files import OutputClosed
from mapkit.files import write_output

CLOSED_OUTPUT = 128 + 13
"""Exit status when the reader of the output has gone: 128 + SIGPIPE, as the shell reports a Unix tool's."""


def _area(args: argparse.Namespace) -> int:
    from mapkit.analysis.own_area import own_area_profile
    from mapkit.data import own_areas
    from mapkit.export.own_area import export_own_area

    if args.geojson is not None:
        try:
            data = args.geojson.read_bytes()
        except OSError as exc:
            raise MapkitError(f"Cannot read {args.geojson}: {exc.strerror or exc}.") from None
        area = own_areas.from_geojson(data, args.geojson.name, name=args.name)
    else:
        area = own_areas.from_codes(args.codes, name=args.name or own_areas.DEFAULT_NAME)
    for note in area.notes:
        print(f"note: {note}", file=sys.stderr)
    output = export_own_area(own_area_profile(area), args.format)
    if args.output is None:
        if args.format in ("png", "pdf"):
            raise MapkitError(f"--format {args.format} writes a file: add -o FILE.")
        sys.stdout.write(output.decode("utf-8"))
    else:
        from mapkit.files import write_atomic

        write_atomic(args.output, output)
        print(f"Wrote {args.output} ({len(output):,} bytes).", file=sys.stderr)
    return 0


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

    text = io.StringIO()
    write_rows(text, [["id", "label", "theme", "levels", "unit", "period", "source"]] + [
        [spec.id, spec.label, spec.theme, " ".join(spec.levels), spec.unit, spec.period,
         registry().sources[spec.source].publisher] for spec in registry().indicators.values()])
    write_output(text.getvalue())
    return 0


def _publish(args: argparse.Namespace) -> int:
    from mapkit.publish.site import publish

    report = publish(args.out, regions=args.region, levels=args.levels, log=lambda msg: print(msg, file=sys.stderr),
                     api=not args.no_api, api_levels=args.api_levels)
    for reason in report.skipped:
        print(f"left out: {reason}", file=sys.stderr)
    if report.api is not None:
        print(f"API: {report.api.tables:,} tables and {report.api.areas:,} area documents in {report.out}/api/v1 "
              f"({report.api.files:,} files, {report.api.bytes / 1e6:.1f} MB; docs/api.md)", file=sys.stderr)
    print(f"Published {report.maps:,} maps of {report.views} views to {report.out} ({report.files:,} files, "
          f"{report.bytes / 1e6:.1f} MB). Serve the folder with any static web server, e.g. "
          f"`python -m http.server -d {report.out}`; index.html shows the embed snippet.", file=sys.stderr)
    return 0


def _regions(args: argparse.Namespace) -> int:
    from mapkit.data.products import regions

    from mapkit.text.csvsafe import csv_text

    write_output(csv_text(regions()))
    return 0


def _write_table(args: argparse.Namespace, table: object) -> int:
    from mapkit.export.tidy_files import write_table

    for path in write_table(table, args.format, args.output, write_output):  # type: ignore[arg-type]
        print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


def _table(args: argparse.Namespace) -> int:
    from mapkit.analysis.series import parse_change
    from mapkit.export import tidy

    if args.versus:
        write_output(_versus_csv(args))
        return 0
    if args.versus_year is not None or args.versus_change is not None:
        raise ParameterError("--versus-year and --versus-change give the period of a second indicator: add --versus.")
    if args.year is not None:
        table = tidy.series_year_table(args.indicator, args.level, args.region, args.year)
    elif args.change is not None:
        table = tidy.series_change_table(args.indicator, args.level, args.region, *parse_change(args.change))
    elif args.years:
        table = tidy.series_years_table(args.indicator, args.level, args.region)
    else:
        table = tidy.indicator_table(args.indicator, args.level, args.region)
    return _write_table(args, table)


def _scorecard(args: argparse.Namespace) -> int:
    from mapkit.export.scorecard_command import run

    return run(args)


def _versus_csv(args: argparse.Namespace) -> str:
    """``table --versus``: one row per area with both measures and the area's cell (tidy, no comment lines)."""
    from mapkit.analysis.map_data import prepare
    from mapkit.analysis.versus_tables import versus_table
    from mapkit.export.command import periods
    from mapkit.text.csvsafe import csv_text
    from mapkit.view import View

    view = View(region=args.region, level=args.level, indicator=args.indicator, breaks_from=args.breaks_from,
                **periods(args))
    return csv_text(versus_table(prepare(view)))


def _series(args: argparse.Namespace) -> int:
    from mapkit.export.tidy import area_series_table

    return _write_table(args, area_series_table(args.indicator, args.region))


def _compare(args: argparse.Namespace) -> int:
    from mapkit.analysis.compare import compare
    from mapkit.export.tidy import comparison_table

    return _write_table(args, comparison_table(compare(args.areas, args.level, args.theme)))


def _similar(args: argparse.Namespace) -> int:
    from mapkit.export.tidy import similar_table

    return _write_table(args, similar_table(args.area, args.level, args.n))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "area": _area,
    "build-data": _build_data,
    "build-overlays": _build_overlays,
    "build-web": _build_web,
    "compare": _compare,
    "export": _export,
    "indicators": _indicators,
    "install-assets": _install_assets,
    "publish": _publish,
    "regions": _regions,
    "scorecard": _scorecard,
    "series": _series,
    "similar": _similar,
    "table": _table,
}


def parser() -> argparse.ArgumentParser:
    from mapkit.web.assets import NODE_MODULES, VENDOR_DIR
    from mapkit.pipeline.build import DEFAULT_OUT
    from mapkit.export.command import add_arguments as add_export_arguments
    from mapkit.export.scorecard_command import add_arguments as add_scorecard_arguments
    from mapkit.export.command import add_versus_arguments
    from mapkit.specs.classes import BREAKS_FROM
    from mapkit.specs.registry import LEVELS

    root = argparse.ArgumentParser(prog="python -m mapkit", description="England policy map: data and exports.")
    sub = root.add_subparsers(dest="command", required=True)
    area = sub.add_parser("area", help="the profile of your own area: an outline (GeoJSON) or a list of ward or "
                                       "LSOA codes")
    given = area.add_mutually_exclusive_group(required=True)
    given.add_argument("--geojson", type=Path, help="a GeoJSON file of polygons (EPSG:4326 or 27700)")
    given.add_argument("--codes", help="ward codes (E05...) or LSOA codes (E01...), comma-separated")
    area.add_argument("--name", default=None, help="the area's name (default: the file's, else 'My area')")
    area.add_argument("--format", default="json", choices=("json", "csv", "lsoas", "geojson", "png", "pdf"),
                      help="json: the profile; csv: its measures as a tidy table; lsoas: its LSOAs with their "
                           "weights; geojson: its outline; png/pdf: the map with its outline (pdf: and the profile)")
    area.add_argument("-o", "--output", type=Path, default=None, help="write to this file (default: standard "
                                                                      "output; png and pdf need a file)")
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
    api = site.add_mutually_exclusive_group()
    api.add_argument("--no-api", action="store_true",
                     help="leave out the static API (api/v1: JSON and CSV of every figure, docs/api.md)")
    api.add_argument("--api-levels", nargs="+", default=None, choices=LEVELS, metavar="LEVEL",
                     help="levels the API holds (default: every level published; LSOAs are most of its size)")
    sub.add_parser("regions", help="list region codes (CSV)")
    add_scorecard_arguments(sub.add_parser("scorecard", help="scorecards of the growth locations and transport "
                                                             "schemes in a region (CSV or JSON)"))
    table = sub.add_parser("table", help="one indicator as a tidy table (CSV by default): area_code,area_name,...")
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
    table.add_argument("--breaks", "--compare", dest="breaks_from", choices=list(BREAKS_FROM), default="england",
                       help="with --versus: thirds of all England's areas at the level (default) or of the region's "
                            "(--compare: its old name)")
    _table_output(table)
    series = sub.add_parser("series", help="one area's ONS time series as a tidy table")
    series.add_argument("--indicator", required=True, help="an indicator with a series (e.g. gva_per_hour) or a "
                                                           "series id from layers/series.toml")
    series.add_argument("--region", required=True, help="England, a combined authority or a district code")
    _table_output(series)
    compare = sub.add_parser("compare", help="compare up to 10 wards, districts or combined authorities on every "
                                             "indicator, as a tidy table")
    compare.add_argument("--level", required=True, choices=["ward", "lad", "ca"])
    compare.add_argument("--areas", required=True, nargs="+", metavar="CODE", help="area codes of the level")
    compare.add_argument("--theme", default=None, help="one theme only (default: every theme)")
    _table_output(compare)
    similar = sub.add_parser("similar", help="the areas of England most similar to one area, as a tidy table")
    similar.add_argument("--level", required=True, choices=["ward", "lad", "ca"])
    similar.add_argument("--area", required=True, metavar="CODE")
    similar.add_argument("-n", type=int, default=10, help="how many similar areas (default 10)")
    _table_output(similar)
    return root


def _table_output(command: argparse.ArgumentParser) -> None:
    """``--format`` and ``-o`` of the commands that write a tidy table (README, "Tables: one schema")."""
    from mapkit.export.tidy_files import TABLE_FORMATS

    command.add_argument("--format", choices=list(TABLE_FORMATS), default="csv",
                         help="; ".join(f"{f.name}: {f.label}" for f in TABLE_FORMATS.values())
                              + " (default csv, to standard output without -o)")
    command.add_argument("-o", "--output", type=Path, default=None,
                         help="file to write (needed for xlsx and csvw; csvw writes FILE.csv and "
                              "FILE.csv-metadata.json)")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if hasattr(signal, "SIGXFSZ"):  # past a file-size limit, a write fails with an error instead of killing us
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        return COMMANDS[args.command](args)
    except OutputClosed:
        return CLOSED_OUTPUT
    except MapkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
