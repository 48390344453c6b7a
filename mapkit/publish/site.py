"""A static site of the maps (``python -m mapkit publish --out site/``): no Python behind it, any number of readers.

The site holds, for each view (a region at a level), the encoded areas and parent outlines as content-hashed files
(:mod:`mapkit.web.geometry_files`, the files the app serves), and for each indicator one content-hashed file of
its per-area arrays and legend (:func:`mapkit.web.choropleth.choropleth_parts`, what the app sends on an
indicator change). ``index.html`` carries the manifest that names them; the browser runtime is the app's own
(``mapkit/web/static``: geometry, keyboard, areas, map) plus ``site.js`` (pickers, address, embed snippet), and
Leaflet is copied in, so that a page requests nothing from elsewhere but basemap tiles. Every name except
``index.html`` changes when its content does, so a host or CDN may cache them for ever.

The site is built in a temporary folder beside ``out`` and then moved into place: a failure leaves ``out`` as it
was. A folder that holds something else than an earlier site is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import string
import tempfile
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import folium

from mapkit.web.assets import NODE_MODULES, VENDOR_DIR, cdn_file_for
from mapkit.specs.basemaps import BASEMAPS
from mapkit.specs.layouts import LAYOUTS
from mapkit.data.products import regions as all_regions
from mapkit.errors import AssetError, MapkitError, OutputError, ParameterError, UnknownNameError
from mapkit.specs.registry import LEVELS, registry
from mapkit.analysis.map_data import prepare
from mapkit.view import DEFAULT, View, default_indicator, indicators_for, levels_for
from mapkit import web
from mapkit.web.choropleth import area_style, choropleth_parts, map_text, versus_parts
from mapkit.web.webmap import outline_style
from mapkit.web.elements import area_options
from mapkit.web.encode import (PARENT_NAME_COLUMN, GeometryPayload, area_geometry, outline_geometry,
                               script_json)
from mapkit.web.geometry_files import StaticFiles
from mapkit.web.hexmap import hex_credit, hex_geometry, hex_label_points, hex_outlines, note_html
from mapkit.data.hexes import hex_problem
from mapkit.text.wording import level_label, region_label, source_statement
from mapkit.publish.api import ApiReport, write_api

MARK = ".mapkit-site"
"""File that marks a folder as a site written here: only such a folder (or an empty one) is replaced."""
RUNTIME = web.AREAS_RUNTIME + web.MAP_RUNTIME + web.LABELS_RUNTIME + web.SITE_RUNTIME
"""The page's scripts from ``mapkit/web/static``, in load order (``site.js`` last: it starts the page)."""
TITLE = "England policy map"


@dataclasses.dataclass(frozen=True)
class SiteReport:
    """What :func:`publish` wrote: the folder, its views and indicator maps, and its size."""

    out: Path
    views: int
    maps: int
    files: int
    bytes: int
    skipped: tuple[str, ...]
    api: ApiReport | None = None


def default_regions() -> list[str]:
    """England and every combined authority (districts are reached inside them, by their outlines)."""
    table = all_regions()
    return list(table.loc[table["kind"].isin(["england", "ca"]), "code"])


def site_views(regions: Sequence[str] | None, levels: Sequence[str] | None) -> list[tuple[str, str]]:
    """(region, level) of each view to publish, checked: unknown regions and levels are refused with the fix."""
    regions = list(dict.fromkeys(regions or default_regions()))
    known = set(all_regions()["code"])
    for region in regions:
        if region not in known:
            raise UnknownNameError(f"Unknown region {region!r}: `python -m mapkit regions` lists the codes.")
    if levels:
        bad = [lv for lv in levels if lv not in LEVELS]
        if bad:
            raise ParameterError(f"Unknown level {bad[0]!r}: use {', '.join(LEVELS)}.")
    views = [(region, level) for region in regions for level in levels_for(region) if not levels or level in levels]
    if not views:
        raise ParameterError(f"No view to publish: the regions offer only {', '.join(levels_for(regions[0]))}.")
    return views


def _hashed(folder: Path, stem: str, suffix: str, data: bytes) -> str:
    """Write ``data`` as ``<stem>.<hash><suffix>`` in ``folder``; return the name."""
    name = f"{stem}.{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    (folder / name).write_bytes(data)
    return name


def _leaflet(site: Path) -> tuple[str, str]:
    """Copy Leaflet (script, stylesheet, images) into ``site/vendor/``; return the two files' site paths."""
    urls = dict(folium.Map.default_js + folium.Map.default_css)  # the Leaflet folium pins, read off the class
    paths = []
    for key in ("leaflet", "leaflet_css"):
        found = None
        for root in (VENDOR_DIR, NODE_MODULES):
            candidate = cdn_file_for(urls[key], root=root)
            if candidate is not None and candidate.is_file():
                found = candidate
                break
        if found is None:
            raise AssetError("Leaflet is not installed, and the site must carry it: run `bash "
                             "tools/install_browser_assets.sh` (or `python -m mapkit install-assets`) first.")
        target = site / "vendor" / "leaflet" / found.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, target)
        if found.suffix == ".css" and (found.parent / "images").is_dir():
            shutil.copytree(found.parent / "images", target.parent / "images", dirs_exist_ok=True)
        paths.append(target.relative_to(site).as_posix())
    return paths[0], paths[1]


def _indicator_entry(indicator: str) -> dict[str, Any]:
    spec = registry().indicator(indicator)
    return {"label": spec.label, "theme": spec.theme, "unit": spec.unit, "period": spec.period,
            "description": spec.description, "sources": [source_statement(spec.source)]}


def _level_entry(level: str) -> dict[str, str]:
    boundary = registry().boundary(level)
    acronym = boundary.label.split()[0].isupper()  # "LSOA (neighbourhood)" keeps its capitals, "Ward" does not
    singular = boundary.label if acronym else boundary.label[:1].lower() + boundary.label[1:]
    return {"label": level_label(level), "singular": singular}


def _view_entry(files: StaticFiles, region: str, level: str, log: Callable[[str], None],
                skipped: list[str]) -> dict[str, Any] | None:
    geometry = area_geometry(level, region)
    if not len(geometry):
        skipped.append(f"{region_label(region)}: no {registry().boundary(level).plural}")
        return None
    outlines = outline_geometry(level, region)
    entry: dict[str, Any] = {
        "region": region, "level": level, "bounds": geometry.bounds,
        "areas": _ref(geometry, files.geometry_url(geometry)),
        "areaOptions": area_options(area_style(geometry), interactive=True,
                                    attribution=registry().sources["ons_boundaries"].attribution),
        "outlines": None, "outlineOptions": None, "data": {},
        "parentHead": _parent_head(level),
    }
    if outlines is not None:
        entry["outlines"] = _ref(outlines, files.geometry_url(outlines))
        entry["outlineOptions"] = area_options(outline_style(outlines), interactive=False)
    entry["hex"] = _hex_entry(files, region, level, geometry)
    for indicator in indicators_for(level):
        try:
            data = prepare(View(region=region, level=level, indicator=indicator, scheme=None))
        except MapkitError as exc:
            skipped.append(f"{region_label(region)}, {level}, {indicator}: {exc}")
            continue
        text = map_text(data.spec, level, data.region_name)
        arrays, legend = choropleth_parts(data, geometry, text)
        doc = json.dumps({"data": arrays, "legend": legend}, separators=(",", ":"), ensure_ascii=False,
                         allow_nan=False).encode("utf-8")
        entry["data"][indicator] = "data/" + _hashed(files.folder / "data", indicator, ".json", doc)
    entry["versus"] = _versus_entries(files.folder, region, level, geometry, skipped)
    log(f"{region_label(region)}, {registry().boundary(level).plural}: {len(geometry):,} areas, "
        f"{len(entry['data'])} indicators, {len(entry['versus'])} bivariate")
    return entry if entry["data"] else None


def _versus_entries(site: Path, region: str, level: str, geometry: GeometryPayload,
                    skipped: list[str]) -> list[dict[str, Any]]:
    """The view's bivariate maps: the level's default pair (:data:`mapkit.specs.bivariate.DEFAULT_PAIRS`), each
    one content-hashed file of per-area arrays and legend like an indicator's (:func:`mapkit.web.bivariate
    .versus_parts`)."""
    from mapkit.specs.bivariate import DEFAULT_PAIRS

    pair = DEFAULT_PAIRS.get(level)
    if pair is None:
        return []
    try:
        data = prepare(View(region=region, level=level, indicator=pair.indicator, versus=pair.versus,
                            versus_change=pair.versus_change))
    except MapkitError as exc:
        skipped.append(f"{region_label(region)}, {level}, {pair.indicator} against {pair.versus}: {exc}")
        return []
    arrays, legend = versus_parts(data, geometry, map_text(data.spec, level, data.region_name))
    doc = json.dumps({"data": arrays, "legend": legend}, separators=(",", ":"), ensure_ascii=False,
                     allow_nan=False).encode("utf-8")
    period = f"{pair.versus_change[0]}-{pair.versus_change[1]}" if pair.versus_change else ""
    key = f"{pair.versus}:{period}" if period else pair.versus
    return [{"key": key, "indicator": pair.indicator, "label": data.versus.y.spec.label, "reason": pair.reason,
             "sources": [source_statement(data.versus.y.spec.source)],
             "data": "data/" + _hashed(site / "data", f"{pair.indicator}_vs_{pair.versus}", ".json", doc)}]


def _hex_entry(files: StaticFiles, region: str, level: str, geometry: GeometryPayload) -> dict[str, Any] | None:
    """The view's hex map (:mod:`mapkit.web.hexmap`), or ``None`` where there is none. Its hexagons have the
    areas' codes in the areas' order, so each indicator's data file draws on either."""
    if hex_problem(level, region) is not None:
        return None
    hexes, outlines = hex_geometry(level, region), hex_outlines(level, region)
    if hexes.codes != geometry.codes:
        return None
    return {"bounds": hexes.bounds, "areas": _ref(hexes, files.geometry_url(hexes)),
            "areaOptions": area_options(area_style(hexes), interactive=True, attribution=hex_credit()),
            "outlines": None if outlines is None else _ref(outlines, files.geometry_url(outlines)),
            "outlineOptions": None if outlines is None else area_options(outline_style(outlines), interactive=False),
            "labels": hex_label_points(level, region), "note": note_html(level, region)}


def _parent_head(level: str) -> str:
    """The table's head for the parent name each area shows (the district of a ward, the CA of a district)."""
    column = PARENT_NAME_COLUMN[level]
    return registry().boundary(column.removesuffix("_name")).label if column else "Within"


def _ref(payload: GeometryPayload, url: str) -> dict[str, Any]:
    return {"url": url, "version": payload.version, "n": len(payload)}


def build_site(site: Path, views: Sequence[tuple[str, str]], *, log: Callable[[str], None] = lambda _: None,
               today: dt.date | None = None, api: bool = True,
               api_levels: Sequence[str] | None = None) -> tuple[int, list[str], ApiReport | None]:
    """Write the site's files into the empty folder ``site`` (with the static API, :mod:`mapkit.publish.api`, unless
    ``api`` is false; ``api_levels`` keeps only those levels in it); return the number of indicator maps, what was
    left out (with the reason) and the API's report."""
    (site / "data").mkdir(parents=True)
    files = StaticFiles(site)  # geometry/ and assets/, addressed relative to index.html
    skipped: list[str] = []
    manifest: dict[str, Any] = {"title": TITLE, "regions": [], "levels": {}, "indicators": {}, "views": {},
                                "boundarySources": [source_statement("ons_boundaries")],
                                "hexSources": [source_statement("hexmaps")], "layouts": LAYOUTS,
                                "tiles": BASEMAPS[DEFAULT.basemap].tiles()}  # the app's default basemap
    for region, level in views:
        entry = _view_entry(files, region, level, log, skipped)
        if entry is None:
            continue
        manifest["views"][f"{region}/{level}"] = entry
        if region not in [r["code"] for r in manifest["regions"]]:
            manifest["regions"].append({"code": region, "label": region_label(region)})
        for indicator in entry["data"]:
            manifest["indicators"].setdefault(indicator, _indicator_entry(indicator))
    if not manifest["views"]:
        raise ParameterError("Nothing to publish: " + "; ".join(skipped))
    manifest["levels"] = {lv: _level_entry(lv) for lv in LEVELS
                          if any(v["level"] == lv for v in manifest["views"].values())}
    first = next(iter(manifest["views"].values()))
    default_view = manifest["views"].get(f"{DEFAULT.region}/{DEFAULT.level}", first)
    fallback = default_indicator(default_view["level"])
    manifest["default"] = {"region": default_view["region"], "level": default_view["level"],
                           "indicator": fallback if fallback in default_view["data"] else
                           next(iter(default_view["data"]))}
    leaflet_js, leaflet_css = _leaflet(site)
    scripts = [files.asset_url(name) for name in RUNTIME]
    styles = {name: files.asset_url(name) for name in web.SITE_STYLES}
    built = (f"Published {(today or dt.date.today()):%d %B %Y} with mapkit from the official files named above; "
             "every figure is the publisher's or computed by the publisher's method.")
    page = string.Template(resources.files("mapkit.web").joinpath("static", "site.html").read_text("utf-8"))
    text = page.substitute(
        title=html.escape(TITLE), leaflet_css=leaflet_css, leaflet_js=leaflet_js,
        map_css=styles["map.css"], site_css=styles["site.css"], built=html.escape(built),
        manifest=script_json(manifest), scripts="\n".join(f'<script src="{url}"></script>' for url in scripts))
    (site / "index.html").write_text(text, encoding="utf-8")
    (site / MARK).write_text("Written by python -m mapkit publish; the folder is replaced on the next publish.\n",
                             encoding="utf-8")
    report = None
    if api:
        report = write_api(site, {(v["region"], v["level"]): list(v["data"]) for v in manifest["views"].values()
                                  if api_levels is None or v["level"] in api_levels}, log=log, today=today)
    return sum(len(v["data"]) for v in manifest["views"].values()), skipped, report


MANIFEST = re.compile(r'<script type="application/json" id="mapkit-manifest">(.*?)</script>', re.S)


def read_manifest(site: Path) -> dict[str, Any]:
    """The manifest of a published site (views, indicators, file names), as written into its ``index.html``."""
    found = MANIFEST.search((Path(site) / "index.html").read_text(encoding="utf-8"))
    if found is None:
        raise ParameterError(f"{site}: index.html carries no manifest; is it a site from `mapkit publish`?")
    return json.loads(found.group(1))


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: a file of that name is in the way: choose a folder name.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARK).is_file():
        raise OutputError(f"{out}: the folder holds other files, not a site from `mapkit publish`: choose an empty "
                          "or new folder (it is replaced as a whole).")


def publish(out: Path, *, regions: Sequence[str] | None = None, levels: Sequence[str] | None = None,
            log: Callable[[str], None] = lambda _: None, api: bool = True,
            api_levels: Sequence[str] | None = None) -> SiteReport:
    """Write the static site to ``out`` (created, or replaced if it is an earlier site), whole or not at all.

    Parameters
    ----------
    out
        The site's folder.
    regions
        Region codes (default: England and every combined authority).
    levels
        Levels to publish where a region offers them (default: all it offers).
    log
        Receives a line per view written.
    api
        Write the static API (``api/v1``, docs/api.md) beside the maps.
    api_levels
        Levels the API holds (default: every level published); England's LSOAs are most of its size.

    Raises
    ------
    UnknownNameError, ParameterError
        For an unknown region or level.
    OutputError
        When ``out`` cannot be written or holds something else (the message names the path and the cause).
    AssetError
        When Leaflet is not installed to copy into the site.
    """
    out = Path(out)
    views = site_views(regions, levels)
    _check_out(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"{out}: {exc.strerror or type(exc).__name__}") from None
    old = None
    try:
        site = staging / "site"
        maps, skipped, api_report = build_site(site, views, log=log, api=api, api_levels=api_levels)
        if out.exists():
            old = staging / "old"
            os.replace(out, old)
        os.replace(site, out)
    except OSError as exc:
        if old is not None and old.exists() and not out.exists():
            os.replace(old, out)  # put the earlier site back
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{out}: {exc.strerror or type(exc).__name__}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    return SiteReport(out=out, views=len(views), maps=maps, files=len(files),
                      bytes=sum(p.stat().st_size for p in files), skipped=tuple(skipped), api=api_report)
