"""The map's runtime as files (mapkit.web.geometry_files.StaticFiles) in Chromium: a page that links the runtime
and the geometry draws, colours and hovers its areas as the self-contained page does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from map_js import AREAS_JS
from mapkit.analysis.map_data import prepare
from mapkit.view import View
from mapkit.web.webmap import build_map
from mapkit.web.geometry_files import StaticFiles

pytestmark = pytest.mark.browser

WMCA = "E47000007"


def drawn(page: Any, url: str, name: str) -> dict[str, str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_function(f"(name) => window[name] && ({AREAS_JS})(name).length === 192", arg=name, timeout=60_000)
    assert errors == []
    return dict(page.evaluate(AREAS_JS, name))


def test_a_map_with_its_runtime_as_files_draws_as_the_self_contained_one(page: Any, static_server: Any,
                                                                         tmp_path: Path) -> None:
    view = View(region=WMCA, level="ward", indicator="income_score")
    data = prepare(view)
    names = {}
    for page_name, files in (("linked", StaticFiles(tmp_path, "")), ("inline", None)):
        m = build_map(view, data=data, files=files).to_map()
        names[page_name] = m.get_name()
        (tmp_path / f"{page_name}.html").write_text(m.get_root().render(), encoding="utf-8")
    base = static_server(tmp_path)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.removeprefix(base)))
    linked = drawn(page, f"{base}/linked.html", names["linked"])
    assert [u for u in fetched if u.startswith("/assets/")] == [
        f"/assets/{p.name}" for p in sorted((tmp_path / "assets").iterdir(), key=lambda p: p.suffix != ".js")]
    assert sum(u.startswith("/geometry/") for u in fetched) == 2  # wards and their districts
    assert page.locator(".mapkit-legend summary").inner_text().startswith("Income score")
    inline = drawn(page, f"{base}/inline.html", names["inline"])
    assert linked == inline and len(set(linked.values())) == data.classification.k
