"""``python -m mapkit publish``: the static site's files, names, figures and sources, and its clean failures."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mapkit.data.products import load_boundaries
from mapkit.publish import site as site_module
from mapkit.cli import main
from mapkit.publish.site import MANIFEST, MARK, publish, read_manifest
from mapkit.view import indicators_for
from mapkit.web.encode import area_geometry
from mapkit.web.hexmap import hex_geometry

WMCA = "E47000007"


def manifest_of(site: Path) -> dict[str, Any]:
    found = MANIFEST.search((site / "index.html").read_text(encoding="utf-8"))
    assert found, "index.html carries the manifest"
    assert "<" not in found.group(1), "the manifest is safe inside <script>"
    return read_manifest(site)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    assert main(["publish", "--out", str(out), "--region", WMCA, "--levels", "ward", "lad"]) == 0
    return out


def test_the_site_holds_each_view_and_every_indicator_of_its_level(site: Path) -> None:
    manifest = manifest_of(site)
    assert set(manifest["views"]) == {f"{WMCA}/ward", f"{WMCA}/lad"}
    assert list(manifest["views"][f"{WMCA}/ward"]["data"]) == indicators_for("ward")
    assert list(manifest["views"][f"{WMCA}/lad"]["data"]) == indicators_for("lad")
    assert manifest["default"] == {"region": WMCA, "level": "ward", "indicator": "imd_score"}
    assert manifest["regions"] == [{"code": WMCA, "label": "West Midlands (combined authority)"}]
    assert (site / MARK).is_file()


def test_every_file_but_the_page_is_named_by_its_content(site: Path) -> None:
    manifest = manifest_of(site)
    for view in manifest["views"].values():
        for ref in (view["areas"], view["outlines"]):
            text = (site / ref["url"]).read_text(encoding="utf-8")
            assert ref["url"] == f"geometry/{ref['version']}.json"
            assert hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] == ref["version"]
        for indicator, url in view["data"].items():
            data = (site / url).read_bytes()
            assert url == f"data/{indicator}.{hashlib.sha256(data).hexdigest()[:16]}.json"
    page = (site / "index.html").read_text(encoding="utf-8")
    for src in re.findall(r'(?:src|href)="(assets/[^"]+)"', page):
        data = (site / src).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:16] in src
    assert (site / "vendor/leaflet/leaflet.js").stat().st_size > 100_000
    assert (site / "vendor/leaflet/images/marker-icon.png").is_file()
    assert "https://" not in page.split('id="mapkit-manifest"')[0], "no script or style from elsewhere"


def test_the_geometry_is_the_apps_and_the_figures_are_the_publishers(site: Path) -> None:
    manifest = manifest_of(site)
    view = manifest["views"][f"{WMCA}/lad"]
    geometry = json.loads((site / view["areas"]["url"]).read_text(encoding="utf-8"))
    assert view["areas"]["version"] == area_geometry("lad", WMCA).version
    doc = json.loads((site / view["data"]["imd_average_rank"]).read_text(encoding="utf-8"))
    i = geometry["codes"].index("E08000025")
    assert geometry["names"][i] == "Birmingham"
    assert doc["data"]["value"][i] == "25,089.35"  # MHCLG File 10, as published
    assert doc["data"]["re"][i] == 8  # MHCLG's rank of average rank
    assert doc["data"]["regionLabel"] == "West Midlands"
    assert len(doc["data"]["cls"]) == len(geometry["codes"]) == 7
    assert "IoD2025" in doc["legend"] and "MHCLG" in doc["legend"] and "Open Government Licence" in doc["legend"]


def test_each_view_holds_its_level_s_default_bivariate_map(site: Path) -> None:
    manifest = manifest_of(site)
    districts = manifest["views"][f"{WMCA}/lad"]["versus"]
    assert [(v["key"], v["indicator"], v["label"]) for v in districts] == [
        ("gva_per_hour:2013-2023", "imd_score", "Change in GVA per hour worked")]
    assert "growth" in districts[0]["reason"]
    assert any("Office for National Statistics" in line for line in districts[0]["sources"])
    geometry = json.loads((site / manifest["views"][f"{WMCA}/lad"]["areas"]["url"]).read_text(encoding="utf-8"))
    doc = json.loads((site / districts[0]["data"]).read_text(encoding="utf-8"))
    i = geometry["codes"].index("E08000028")
    assert doc["data"]["versus"]["cells"][doc["data"]["cls"][i]] == "more deprived, middling growth"
    assert doc["data"]["versus"]["value"][i] == "+35.3%" and doc["data"]["value"][i] == "33.77"
    assert "Joshua Stevens" in doc["legend"] and "faster growth" in doc["legend"]
    wards = manifest["views"][f"{WMCA}/ward"]["versus"]
    assert [v["key"] for v in wards] == ["employment_rate_16plus"]


def test_each_indicator_names_its_source_vintage_and_licence(site: Path) -> None:
    manifest = manifest_of(site)
    spec = manifest["indicators"]["imd_score"]
    assert spec["period"].startswith("IoD2025")
    assert any("English Indices of Deprivation 2025" in line and "Open Government Licence" in line
               for line in spec["sources"])
    assert any("Office for National Statistics" in line for line in manifest["boundarySources"])
    assert all(spec["sources"] for spec in manifest["indicators"].values())


@pytest.mark.parametrize("level", ["lad", "ward"])
def test_each_view_with_a_hex_layout_carries_its_hexagons_credit_labels_and_note(site: Path, level: str) -> None:
    manifest = manifest_of(site)
    view = manifest["views"][f"{WMCA}/{level}"]
    hexes = view["hex"]
    assert hexes["areas"]["version"] == hex_geometry(level, WMCA).version
    on_hexes = json.loads((site / hexes["areas"]["url"]).read_text(encoding="utf-8"))
    on_map = json.loads((site / view["areas"]["url"]).read_text(encoding="utf-8"))
    assert on_hexes["codes"] == on_map["codes"], "one data file per indicator draws on both"
    assert on_hexes["shapes"] != on_map["shapes"]
    outlines = json.loads((site / hexes["outlines"]["url"]).read_text(encoding="utf-8"))
    districts = sorted(load_boundaries("lad", WMCA)["code"])
    assert sorted(outlines["codes"]) == ([WMCA] if level == "lad" else districts)
    assert hexes["areaOptions"]["attribution"].startswith("Hex layout: Open Innovations (MIT licence).")
    assert hexes["areaOptions"]["interactive"] and not hexes["outlineOptions"]["interactive"]
    assert [p["name"] for p in hexes["labels"]][:2] == ["Birmingham", "Coventry"]
    assert "Hex map: each" in hexes["note"] and "side by side" in hexes["note"]
    assert any(line.startswith("Open Innovations, Hex cartogram") and "MIT licence" in line
               for line in manifest["hexSources"])
    assert manifest["layouts"] == {"map": "Map", "hex": "Hex map"}
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="pick-layout"' in page and re.search(r'src="assets/labels\.[0-9a-f]{16}\.js"', page)


def test_views_without_a_hex_layout_carry_none(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, regions=["E92000001"], levels=["ca"])
    assert read_manifest(out)["views"]["E92000001/ca"]["hex"] is None


def test_publishing_again_replaces_the_earlier_site_whole(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    publish(out, regions=[WMCA], levels=["lad"])
    first = {p.relative_to(out) for p in out.rglob("*")}
    (out / "data" / "stale.json").write_text("{}", encoding="utf-8")
    publish(out, regions=[WMCA], levels=["lad"])
    assert {p.relative_to(out) for p in out.rglob("*")} == first, "the stale file went with the earlier site"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")], "no staging folder left behind"


@pytest.mark.parametrize("args, message", [
    (["--region", "E99999999"], "Unknown region 'E99999999'"),
    (["--region", WMCA, "--levels", "msoa"], None),  # argparse: invalid choice
])
def test_bad_arguments_fail_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                    message: str | None) -> None:
    out = tmp_path / "site"
    if message is None:
        with pytest.raises(SystemExit) as stop:
            main(["publish", "--out", str(out), *args])
        assert stop.value.code == 2
    else:
        assert main(["publish", "--out", str(out), *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "report.docx").write_bytes(b"keep me")
    assert main(["publish", "--out", str(out), "--region", WMCA, "--levels", "lad"]) == 2
    assert "holds other files" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["report.docx"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["publish", "--out", str(tmp_path / "file"), "--region", WMCA, "--levels", "lad"]) == 2
    assert "a file of that name is in the way" in capsys.readouterr().err


def test_an_unwritable_place_fails_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", "--out", "/proc/mapkit-site", "--region", WMCA, "--levels", "lad"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: /proc/mapkit-site") and err.count("\n") == 1


def test_a_failure_midway_leaves_the_earlier_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    publish(out, regions=[WMCA], levels=["lad"])
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site_module, "_leaflet", broken)
    with pytest.raises(site_module.OutputError, match="No space left on device"):
        publish(out, regions=[WMCA], levels=["lad"])
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_without_leaflet_installed_the_message_gives_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_module, "VENDOR_DIR", tmp_path / "none")
    monkeypatch.setattr(site_module, "NODE_MODULES", tmp_path / "none")
    with pytest.raises(site_module.AssetError, match="install_browser_assets.sh"):
        publish(tmp_path / "site", regions=[WMCA], levels=["lad"])
    assert not (tmp_path / "site").exists()


def test_level_names_keep_their_capitals() -> None:
    assert site_module._level_entry("lsoa") == {"label": "LSOAs", "singular": "LSOA (neighbourhood)"}
    assert site_module._level_entry("ca") == {"label": "Combined authorities", "singular": "combined authority"}
