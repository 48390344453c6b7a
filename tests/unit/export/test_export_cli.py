"""``python -m mapkit export``: every format's file is opened and checked, bad arguments fail with a clear message,
``--all-cas`` writes one file per combined authority, and the HTML export opens from disk in Chromium offline."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image

import mapkit
from mapkit.cli import main
from mapkit.export import FigureOptions, prepare
from mapkit.view import View
from mapkit.export.command import overlay_ids
from mapkit.export.html import map_html, standalone_html
from mapkit.export.summary import summarise
from mapkit.export.tidy import CORE
from mapkit.export.wording import title

from cdn_routes import REPO_ROOT, RouteLog
from map_js import AREAS_JS, page_geometry

COVENTRY = "E08000026"
BASE = ["export", "--region", COVENTRY, "--level", "ward", "--indicator", "imd_score"]
WARD_CODES = list(mapkit.load_boundaries("ward", COVENTRY)["code"])


def export(tmp_path: Path, fmt: str, *extra: str, name: str = "out") -> Path:
    out = tmp_path / f"{name}.{fmt}"
    assert main([*BASE, "--format", fmt, "--dpi", "72", *extra, "-o", str(out)]) == 0
    return out


def table_output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["table", *args]) == 0
    return capsys.readouterr().out


def check_png(path: Path) -> None:
    image = Image.open(path)
    assert image.size == FigureOptions(dpi=72).pixels
    rgb = np.asarray(image.convert("RGB"))
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 20, "a blank image"


def check_pdf(path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(pypdf.PdfReader(path).pages[0].extract_text().split())
    assert "IMD score by ward: Coventry" in text and "Contains OS data © Crown copyright" in text


def check_svg(path: Path) -> None:
    root = ET.fromstring(path.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "IMD score by ward: Coventry" in path.read_text(encoding="utf-8")


def check_html(path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>IMD score by ward: Coventry</title>" in page
    assert all(code in page for code in WARD_CODES)


def check_csv(path: Path) -> None:
    table = pd.read_csv(path)
    assert list(table.columns[:8]) == list(CORE)
    assert sorted(table["area_code"]) == sorted(WARD_CODES) and set(table["indicator_id"]) == {"imd_score"}


def check_xlsx(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Data", "About"]
    assert [c.value for c in book["Data"][1]][:8] == list(CORE)
    assert book["Data"].max_row == len(WARD_CODES) + 1
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Title"] == "Coventry: wards, IMD score"


def check_pack(path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(path).pages
    assert len(pages) == 2
    assert "The 10 most deprived wards" in pages[1].extract_text()


def check_zip(path: Path) -> None:
    names = zipfile.ZipFile(path).namelist()
    stem = f"{COVENTRY}_coventry_imd_score_ward"
    assert names == [f"{stem}.png", f"{stem}.csv", f"{stem}.csv-metadata.json", f"{stem}_summary.txt",
                     f"{stem}_briefing.pdf"]


CHECKS = {"png": check_png, "pdf": check_pdf, "svg": check_svg, "html": check_html, "csv": check_csv,
          "xlsx": check_xlsx, "pack": check_pack, "zip": check_zip}


@pytest.mark.parametrize("fmt", list(CHECKS))
def test_each_format_writes_a_file_with_the_right_content(fmt: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path, fmt)
    assert f"wrote {path}" in capsys.readouterr().err
    CHECKS[fmt](path)


def test_every_format_has_a_check() -> None:
    from mapkit.export import FORMATS

    assert set(FORMATS) == set(CHECKS)


def test_csv_export_is_the_table_command_and_its_metadata_is_in_the_xlsx(tmp_path: Path) -> None:
    args = ["--level", "ward", "--indicator", "imd_score", "--region", COVENTRY]
    run = {"cwd": REPO_ROOT, "capture_output": True, "text": True, "check": True}
    out = tmp_path / "coventry.csv"
    subprocess.run([sys.executable, "-m", "mapkit", "export", *args, "--format", "csv", "-o", str(out)], **run)
    table = subprocess.run([sys.executable, "-m", "mapkit", "table", *args], **run).stdout
    assert out.read_text(encoding="utf-8") == table and not table.startswith("#")
    book = tmp_path / "coventry.xlsx"
    subprocess.run([sys.executable, "-m", "mapkit", "export", *args, "--format", "xlsx", "-o", str(book)], **run)
    about = "\n".join(str(v) for row in openpyxl.load_workbook(book)["About"].iter_rows(values_only=True)
                      for v in row)
    source = mapkit.registry().sources["iod2025"]
    assert source.vintage in about and source.licence in about and "Contains OS data © Crown copyright" in about


def test_csv_export_matches_table_values_for_another_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gm.csv"
    assert main(["export", "--region", "E47000001", "--level", "lad", "--indicator", "gva_per_hour",
                 "--scheme", "quantiles", "--format", "csv", "-o", str(out)]) == 0
    body = out.read_text(encoding="utf-8")
    assert body == table_output(capsys, "--level", "lad", "--indicator", "gva_per_hour", "--region", "E47000001")


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "E47000099"], r"Unknown region 'E47000099': use E92000001"),
    (["--indicator", "no_such"], r"Unknown indicator 'no_such': run `python -m mapkit indicators`"),
    (["--indicator", "gva_per_hour"], r"GVA per hour worked \(gva_per_hour\) is not available at level 'ward'"),
    (["--indicator", "level4_qualifications", "--scheme", "national_deciles"],
     r"Level 4\+ qualifications has no official national deciles: use --scheme quantiles"),
    (["--k", "12"], r"Number of classes is 12: choose a whole number from 3 to 9"),
    (["--dpi", "20"], r"Resolution is 20 dpi: choose a whole number from 72 to 600"),
    (["--labels", "40"], r"Number of labels is 40: choose 0 \(none\) to 15"),
    (["--overlays", "buses"], r"--overlays 'buses' is not a declared overlay: use growth_locations, transport_sch"),
])
def test_invalid_values_exit_2_with_the_fix(args: list[str], message: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["export", "--region", COVENTRY, "--level", "ward", "--indicator", "imd_score", "--format", "png",
            "-o", str(tmp_path / "x.png")]
    for flag, value in zip(args[::2], args[1::2]):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert re.search(r"^error: " + message, err), err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["export", "--level", "ward", "--indicator", "imd_score", "--format", "png", "-o", "x.png"],
     "one of the arguments --region --all-cas is required"),
    ([*BASE, "--all-cas", "--format", "png", "-o", "x"], "argument --all-cas: not allowed with argument --region"),
    ([*BASE, "--format", "gif", "-o", "x.gif"], "argument --format: invalid choice: 'gif'"),
    ([*BASE, "--format", "png", "--page", "a3", "-o", "x.png"], "argument --page: invalid choice: 'a3'"),
    ([*BASE, "--format", "png", "--k", "five", "-o", "x.png"], "argument --k: invalid int value: 'five'"),
])
def test_malformed_arguments_exit_2_with_usage(argv: list[str], message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_output_must_be_a_file_for_one_view_and_a_folder_for_all_cas(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--format", "csv", "-o", str(tmp_path)]) == 2
    assert "is a folder: give a file name" in capsys.readouterr().err
    existing = tmp_path / "file.csv"
    existing.write_text("x")
    assert main(["export", "--all-cas", "--level", "ca", "--indicator", "imd_score", "--format", "csv",
                 "-o", str(existing)]) == 2
    assert "is a file: with --all-cas, give a folder" in capsys.readouterr().err


def test_all_cas_writes_one_file_per_combined_authority(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "set"
    assert main(["export", "--all-cas", "--level", "lad", "--indicator", "imd_score", "--format", "csv",
                 "-o", str(folder)]) == 0
    cas = mapkit.regions().query("kind == 'ca'")
    files = sorted(folder.iterdir())
    assert len(files) == len(cas) == 15
    for code, name in zip(cas["code"], cas["name"]):
        path = next(f for f in files if f.name.startswith(code + "_"))
        assert path.name.endswith("_imd_score_lad.csv")
        table = pd.read_csv(path)
        districts = mapkit.load_boundaries("lad", code)
        assert sorted(table["area_code"]) == sorted(districts["code"]), name
    progress = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[")]
    assert len(progress) == 16 and progress[-1].endswith("15/15 done")
    assert progress[0].endswith("0/15 Cambridgeshire and Peterborough")


def test_overlay_names_accept_unique_prefixes() -> None:
    assert overlay_ids("growth,transport") == ("growth_locations", "transport_schemes")
    assert overlay_ids("transport_schemes, growth_locations,transport") == ("transport_schemes", "growth_locations")
    assert overlay_ids("") == ()


@pytest.mark.parametrize("flag", ["--breaks", "--compare"])
def test_class_breaks_flag_and_its_old_name(flag: str) -> None:
    import argparse

    from mapkit.export.command import add_arguments, settings

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([*BASE[1:], "--format", "png", "-o", "x.png", flag, "region"])
    assert settings(args)["breaks_from"] == "region"


def test_the_app_view_is_the_export_view() -> None:
    from mapkit.view import DEFAULT

    data = prepare(DEFAULT)
    assert data.view is DEFAULT
    assert data.classification.scheme == DEFAULT.scheme == "national_deciles"


# --------------------------------------------------------------------------------------------------- HTML


@pytest.fixture(scope="module")
def html_page() -> str:
    data = prepare(View(region=COVENTRY, level="ward", indicator="imd_score", overlays=("transport_schemes",)))
    return map_html(data).decode("utf-8")


def test_html_holds_every_polygon_and_the_sources(html_page: str) -> None:
    codes = page_geometry(html_page)["codes"]
    assert set(WARD_CODES) <= set(codes)
    assert "Contains OS data © Crown copyright and database right 2025" in html_page
    assert "mapkit-overlay-legend" in html_page


def test_html_refers_to_no_local_file(html_page: str) -> None:
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html_page)
    references += re.findall(r"""url\(\s*["']?([^"')]+)""", html_page)
    assert references
    local = [r for r in references if not re.match(r"(https?:)?//|data:|#|mailto:", r)]
    assert local == [], f"references that would not resolve from a single file: {local[:5]}"
    assert "file://" not in html_page


def test_standalone_html_escapes_its_title() -> None:
    import folium

    page = standalone_html(folium.Map(tiles=None), page_title="<b>A & B</b>").decode("utf-8")
    assert "<title>&lt;b&gt;A &amp; B&lt;/b&gt;</title>" in page


@pytest.mark.browser
def test_html_export_opens_from_disk_offline(page: Any, route_log: RouteLog, tmp_path: Path,
                                             artifacts_dir: Path) -> None:
    data = prepare(View(region=COVENTRY, level="ward", indicator="imd_score"))
    path = tmp_path / "coventry.html"
    path.write_bytes(map_html(data))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    map_id = page.locator(".folium-map").first.get_attribute("id")
    page.wait_for_function(f"id => window[id] && ({AREAS_JS})(id).length > 0", arg=map_id)
    codes = [code for code, _fill in page.evaluate(AREAS_JS, map_id)]
    assert set(WARD_CODES) <= set(codes)
    assert page.locator(".leaflet-mapkitAreas-pane canvas").count() == 1, "no canvas with the areas"
    assert page.locator(".mapkit-export-title").inner_text().startswith(title(data))
    page.wait_for_timeout(300)
    shot = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    covered = page.evaluate("""() => [...document.querySelectorAll('.leaflet-control, .mapkit-export-title')]
                                 .map(e => { const r = e.getBoundingClientRect();
                                             return [r.left, r.top, r.right, r.bottom]; })""")
    fills = {c: data.colours[k] for c, k in zip(data.frame["code"], data.classification.classes)}
    checked = 0
    areas = data.frame.to_crs("EPSG:27700")
    for _, row in areas.assign(size=areas.area).sort_values("size", ascending=False).iterrows():
        point = data.frame.loc[data.frame["code"] == row["code"]].geometry.iloc[0].representative_point()
        x, y = page.evaluate("([id, lat, lng]) => { const p = window[id].latLngToContainerPoint([lat, lng]);"
                             " return [p.x, p.y]; }", [map_id, point.y, point.x])
        if any(x0 - 5 <= x <= x1 + 5 and y0 - 5 <= y <= y1 + 5 for x0, y0, x1, y1 in covered):
            continue
        colour = np.array([int(fills[row["code"]][i:i + 2], 16) for i in (1, 3, 5)])
        expected = 0.85 * colour + 0.15 * 255  # fillOpacity 0.85 over the white page (tiles are not loaded)
        assert np.abs(shot[int(y), int(x)] - expected).max() <= 3, (row["name"], shot[int(y), int(x)], expected)
        checked += 1
        if checked == 3:
            break
    assert checked == 3
    assert route_log.served and not route_log.blocked_assets, route_log.blocked_assets
    assert not errors, errors
    page.screenshot(path=str(artifacts_dir / "export_html.png"))


def test_summary_matches_between_the_cli_zip_and_the_library(tmp_path: Path) -> None:
    path = export(tmp_path, "zip")
    text = zipfile.ZipFile(path).read(f"{COVENTRY}_coventry_imd_score_ward_summary.txt").decode("utf-8")
    for sentence in summarise(prepare(View(region=COVENTRY, level="ward", indicator="imd_score"))):
        assert sentence in text


# --------------------------------------------------------------------------------------------------- library errors


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: View(region=COVENTRY, level="ward", indicator="imd_score", breaks_from="nation").check(),
     mapkit.UnknownNameError, r"Unknown source of class breaks 'nation': use one of england, region"),
    (lambda: View(region=COVENTRY, level="ward", indicator="imd_score", palette="rainbow").check(),
     mapkit.UnknownNameError, r"Unknown palette 'rainbow': use one of Reds"),
    (lambda: View(region=COVENTRY, level="ward", indicator="imd_score", scheme="jenks").check(),
     mapkit.UnknownNameError, r"Unknown classification 'jenks': use one of quantiles"),
    (lambda: View(region=COVENTRY, level="wards", indicator="imd_score").check(),
     mapkit.UnknownNameError, r"Unknown level 'wards': use one of ca, lad, ward, lsoa"),
    (lambda: View(region=COVENTRY, level="ward", indicator="imd_score", k=True).check(),
     mapkit.errors.ParameterError, r"Number of classes is True"),
    (lambda: View(region=COVENTRY, level="ward", indicator="imd_score", overlays=("growth",)).check(),
     mapkit.UnknownNameError, r"Unknown overlay\(s\) 'growth': use growth_locations, transport_schemes"),
    (lambda: prepare(View(region="E07000178", level="ca", indicator="imd_score")),
     mapkit.errors.ParameterError, r"Oxford \(E07000178\) contains no combined authorities: choose another"),
    (lambda: FigureOptions(page="a3"), mapkit.UnknownNameError, r"Unknown page size 'a3': use one of a4, slide"),
    (lambda: FigureOptions(dpi=1200), mapkit.errors.ParameterError, r"Resolution is 1200 dpi: choose"),
    (lambda: FigureOptions(labels=-1), mapkit.errors.ParameterError, r"Number of labels is -1: choose 0"),
])
def test_library_errors_say_the_fix(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()


def test_unknown_export_format_names_the_formats() -> None:
    from mapkit.export import export_format

    with pytest.raises(mapkit.UnknownNameError, match=r"Unknown export format 'gif': use one of png, pdf, svg"):
        export_format("gif")


def test_exports_show_mhclg_published_blackpool_average_rank(tmp_path: Path) -> None:
    """IoD2025 File 10: Blackpool's IMD average rank is 26,536.86, rank 1 of 296 (higher = more deprived)."""
    pypdf = pytest.importorskip("pypdf")
    view = ["export", "--region", "E92000001", "--level", "lad", "--indicator", "imd_average_rank", "--dpi", "72"]
    pack = tmp_path / "pack.pdf"
    assert main([*view, "--format", "pack", "-o", str(pack)]) == 0
    ranking = " ".join(pypdf.PdfReader(pack).pages[1].extract_text().split())
    assert "1 Blackpool" in ranking and "26,536.86" in ranking
    out = tmp_path / "lad.csv"
    assert main([*view, "--format", "csv", "-o", str(out)]) == 0
    rows = pd.read_csv(out, dtype={"value": str}).set_index("area_code")
    assert rows.at["E06000009", "value"] == "26536.86" and rows.at["E06000009", "rank_in_england"] == 1
