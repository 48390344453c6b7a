"""Screenshots of the exported map (default view, England wards) in headless Chromium, to compare by eye.

Usage: python tools/screenshot_maps.py OUT_DIR   (needs /usr/bin/chromium and node_modules/ for Leaflet)

Each view is shot as drawn, then with the mouse over the middle of the map (hover outline and tooltip), and its
console errors are printed. Tiles are not loaded (basemap "none").
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from cdn_routes import install_routes  # noqa: E402
from mapkit import ENGLAND  # noqa: E402
from mapkit.export.html import map_html  # noqa: E402
from mapkit.analysis.map_data import prepare  # noqa: E402
from mapkit.view import View  # noqa: E402

VIEWS = {
    "default": View(region="E47000007", level="ward", indicator="imd_score", basemap="none",
                    overlays=("growth_locations", "transport_schemes")),
    "england-wards": View(region=ENGLAND, level="ward", indicator="imd_score", basemap="none"),
}


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for name, view in VIEWS.items():
            page_file = out / f"{name}.html"
            page_file.write_bytes(map_html(prepare(view)))
            context = browser.new_context(viewport={"width": 1000, "height": 700})
            install_routes(context)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(page_file.as_uri())
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / f"{name}.png"))
            page.mouse.move(330, 300)
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / f"{name}-hover.png"))
            print(name, "errors:", errors or "none")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "test-output/screenshots")))
