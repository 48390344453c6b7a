"""Geometry sent once per view: content-hashed files (mapkit.web.geometry_files) and layers that refer to them."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

from mapkit.view import View
from mapkit.web.webmap import build_map
from mapkit.web.encode import area_geometry, outline_geometry
from mapkit.web.geometry_files import file_name, write_geometry

WMCA = "E47000007"


def rendered(view_map) -> str:
    return view_map.to_map().get_root().render()


def test_a_file_is_named_by_its_content_and_written_once(tmp_path: Path) -> None:
    payload = area_geometry("ward", WMCA)
    name = write_geometry(payload, tmp_path)
    assert name == file_name(payload) == payload.version + ".json" and len(payload.version) == 16
    target = tmp_path / name
    assert json.loads(target.read_text(encoding="utf-8"))["codes"] == list(payload.codes)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    before = target.stat().st_mtime_ns
    assert write_geometry(payload, tmp_path) == name and target.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no partial files left
    other = area_geometry("ward", "E47000001")
    assert other.version != payload.version


def test_a_layer_with_a_url_sends_only_the_indicator_arrays(tmp_path: Path) -> None:
    from mapkit.web.geometry_files import StaticFiles

    view = View(region=WMCA, level="ward", indicator="imd_score")
    by_url = rendered(build_map(view, files=StaticFiles(tmp_path, "/app/static/")))
    inline = rendered(build_map(view))
    areas, lads = area_geometry("ward", WMCA), outline_geometry("ward", WMCA)
    assert sorted(p.name for p in (tmp_path / "geometry").iterdir()) == sorted(
        [f"{areas.version}.json", f"{lads.version}.json"])
    for payload in (areas, lads):
        assert f'"url":"/app/static/geometry/{payload.version}.json"' in by_url
        assert f'"version":"{payload.version}","n":{len(payload)}' in by_url
    assert '\\"shapes\\"' not in by_url and '\\"shapes\\"' in inline  # the HTML export keeps its geometry
    assert len(by_url) < len(inline) - (len(areas.json) + len(lads.json)) * 0.9
    # the per-area arrays are the same either way
    assert by_url.split("/*mapkit-data*/")[1].split("/*end-mapkit-data*/")[0] == \
        inline.split("/*mapkit-data*/")[1].split("/*end-mapkit-data*/")[0]


def test_unused_files_are_removed_after_a_day_and_nothing_else(tmp_path: Path) -> None:
    """Which files remain: recent or recently used geometry, and anything this module did not write."""
    import os

    from mapkit.web.geometry_files import TOUCH_AFTER, UNUSED_AFTER, remove_unused

    now = 2_000_000_000.0
    day = UNUSED_AFTER

    def made(name: str, age: float) -> Path:
        path = tmp_path / name
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (now - age, now - age))
        return path

    made("0123456789abcdef.json", 2 * day)            # old geometry: removed
    made("fedcba9876543210.json", day - 60)           # used within the day (another replica): kept
    made(".partial-x1y2z3.json", 2 * day)             # an interrupted write: removed
    made(".partial-fresh.json", 10)                   # a write in progress: kept
    made("notes.json", 3 * day)                       # not ours: kept
    made("0123456789ABCDEF.json", 3 * day)            # not a name we write (upper case): kept
    (tmp_path / "aaaaaaaaaaaaaaaa.json").mkdir()      # a folder, whatever its name: kept
    os.utime(tmp_path / "aaaaaaaaaaaaaaaa.json", (now - 3 * day, now - 3 * day))
    assert remove_unused(tmp_path, now=now) == [".partial-x1y2z3.json", "0123456789abcdef.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".partial-fresh.json", "0123456789ABCDEF.json", "aaaaaaaaaaaaaaaa.json", "fedcba9876543210.json",
        "notes.json"]
    assert remove_unused(tmp_path, now=now) == []  # nothing more to do
    assert remove_unused(tmp_path / "missing") == []
    assert TOUCH_AFTER < UNUSED_AFTER / 10  # a file in use is touched many times before it could count as unused


def test_a_used_file_is_marked_in_use_and_a_removed_one_is_written_again(tmp_path: Path) -> None:
    import os
    import time

    from mapkit.web.geometry_files import TOUCH_AFTER, UNUSED_AFTER, remove_unused

    payload = area_geometry("ward", WMCA)
    target = tmp_path / write_geometry(payload, tmp_path)
    old = time.time() - 2 * TOUCH_AFTER
    os.utime(target, (old, old))
    write_geometry(payload, tmp_path)  # used again: its time is refreshed, its content not rewritten
    assert target.stat().st_mtime > old + TOUCH_AFTER
    os.utime(target, (old - UNUSED_AFTER, old - UNUSED_AFTER))
    assert remove_unused(tmp_path) == [target.name] and not target.exists()
    assert write_geometry(payload, tmp_path) == target.name  # a process still serving it writes it again
    assert json.loads(target.read_text(encoding="utf-8"))["codes"] == list(payload.codes)


# ------------------------------------------------------------------------ one folder for geometry and the runtime


def layer_scripts(view_map) -> str:
    """The layers' scripts as the app sends them at each rerun (each rendered on its own)."""
    from branca.element import Figure

    figure = Figure()
    view_map.base.add_to(figure)
    out = []
    for layer in view_map.layers:
        layer.add_to(view_map.base)
        out.append(layer._template.module.script(layer) + "".join(
            child._template.module.script(child) for child in layer._children.values()))
    return "".join(out)


def test_the_runtime_is_published_once_and_linked_not_sent_with_the_layers(tmp_path: Path) -> None:
    from mapkit import web
    from mapkit.web.geometry_files import StaticFiles

    files = StaticFiles(tmp_path, "/app/static/")
    view = View(region=WMCA, level="ward", indicator="imd_score")
    view_map = build_map(view, files=files)
    style = next(c for c in view_map.base._children.values() if type(c).__name__ == "MapStyle")
    (_, script), = style.default_js
    (_, css), = style.default_css
    assert script.startswith("/app/static/assets/runtime.") and css.startswith("/app/static/assets/map.")
    bundle = (tmp_path / "assets" / script.rsplit("/", 1)[1]).read_text(encoding="utf-8")
    for name in (*web.AREAS_RUNTIME, *web.MAP_RUNTIME):
        assert web.static_text(name) in bundle
    assert (tmp_path / "assets" / css.rsplit("/", 1)[1]).read_text(encoding="utf-8") == web.static_text("map.css")
    sent = layer_scripts(view_map)
    assert "window.mapkit.areas(" in sent
    for name in web.AREAS_RUNTIME:
        assert web.static_text(name) not in sent  # 31 KB less at every indicator change
    html = view_map.to_map().get_root().render()
    assert html.count(f'src="{script}"') == 1 and f'href="{css}"' in html
    assert web.static_text("map.js") not in html and web.static_text("map.css") not in html
    assert html.index("leaflet.js") < html.index(script)  # loaded after Leaflet, before the map's script
    again = build_map(dataclasses.replace(view, indicator="income_score"), files=files)
    assert next(c for c in again.base._children.values() if type(c).__name__ == "MapStyle").default_js == [
        ("mapkit_runtime", script)]  # the same file: the page has it already
    assert sorted(p.name for p in (tmp_path / "assets").iterdir()) == sorted(
        [script.rsplit("/", 1)[1], css.rsplit("/", 1)[1]])


def test_a_folder_that_cannot_be_written_sends_everything_inline(tmp_path: Path) -> None:
    from mapkit import web
    from mapkit.web.geometry_files import StaticFiles

    (tmp_path / "file").write_text("in the way", encoding="utf-8")
    view = View(region=WMCA, level="ward", indicator="imd_score")
    blocked = rendered(build_map(view, files=StaticFiles(tmp_path / "file" / "static", "/app/static/")))
    import re

    def same(html: str) -> str:
        return re.sub(r"_[0-9a-f]{32}", "_id", html)

    assert same(blocked) == same(rendered(build_map(view)))  # the HTML export's self-contained page
    for name in (*web.AREAS_RUNTIME, *web.MAP_RUNTIME, "map.css"):
        assert blocked.count(web.static_text(name)) == 1
    assert "/app/static/" not in blocked


def test_the_app_and_the_site_share_the_file_names(tmp_path: Path) -> None:
    from mapkit.web.geometry_files import StaticFiles, hashed_name

    files = StaticFiles(tmp_path, "")
    payload = area_geometry("ward", WMCA)
    assert files.geometry_url(payload) == f"geometry/{payload.version}.json"
    from mapkit import web

    assert files.asset_url("site.js") == "assets/" + hashed_name("site", ".js", web.static_text("site.js").encode())


def test_old_runtime_files_are_tidied_with_the_geometry(tmp_path: Path) -> None:
    import os

    from mapkit.web.geometry_files import UNUSED_AFTER, StaticFiles

    old = tmp_path / "assets" / "runtime.0123456789abcdef.js"
    old.parent.mkdir()
    old.write_text("// an earlier release", encoding="utf-8")
    keep = tmp_path / "assets" / "README.txt"
    keep.write_text("not ours", encoding="utf-8")
    for path in (old, keep):
        os.utime(path, (0, 0))
    assert UNUSED_AFTER < 1e9
    StaticFiles(tmp_path, "/app/static/").runtime()
    assert not old.exists() and keep.exists()
