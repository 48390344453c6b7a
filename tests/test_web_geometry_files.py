"""Geometry sent once per view: content-hashed files (mapkit.web.geometry_files) and layers that refer to them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from mapkit.view import View
from mapkit.web.choropleth import build_map
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
    urls = {}

    def publish(payload):
        urls[payload.version] = "/app/static/geometry/" + write_geometry(payload, tmp_path)
        return urls[payload.version]

    view = View(region=WMCA, level="ward", indicator="imd_score")
    by_url = rendered(build_map(view, geometry_url=publish))
    inline = rendered(build_map(view))
    areas, lads = area_geometry("ward", WMCA), outline_geometry("ward", WMCA)
    assert set(urls) == {areas.version, lads.version}
    for payload in (areas, lads):
        assert f'"url":"/app/static/geometry/{payload.version}.json"' in by_url
        assert f'"version":"{payload.version}","n":{len(payload)}' in by_url
    assert '\\"shapes\\"' not in by_url and '\\"shapes\\"' in inline  # the HTML export keeps its geometry
    assert len(by_url) < len(inline) - (len(areas.json) + len(lads.json)) * 0.9
    # the per-area arrays are the same either way
    assert by_url.split("/*mapkit-data*/")[1].split("/*end-mapkit-data*/")[0] == \
        inline.split("/*mapkit-data*/")[1].split("/*end-mapkit-data*/")[0]
