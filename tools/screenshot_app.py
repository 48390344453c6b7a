"""Screenshots of the running app in headless Chromium, and a pixel comparison of two sets of them.

Usage::

    python tools/screenshot_app.py shoot OUT_DIR        # start the app on a free port, shoot every view
    python tools/screenshot_app.py compare DIR_A DIR_B  # pixels that differ, per view (exit 1 if any)

For a refactor of the page that must keep its behaviour: shoot before, shoot after, compare. Basemap tiles do not
load here (no network); the map reads without them. Needs /usr/bin/chromium and node_modules/ (Leaflet).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from cdn_routes import install_routes  # noqa: E402

VIEWS: dict[str, tuple[str, tuple[int, int]]] = {
    "default": ("", (1280, 900)),
    "england-wards": ("?region=E92000001&level=ward&indicator=imd_score", (1280, 900)),
    "profile": ("?region=E47000007&level=ward&indicator=imd_score&area=E05011121", (1280, 900)),
    "districts-change": ("?region=E47000007&level=lad&indicator=gva_per_hour&change=2013:2023&centre=england",
                         (1280, 900)),
    "overlays": ("?region=E47000007&level=ward&indicator=imd_score&overlays=growth_locations,transport_schemes",
                 (1280, 900)),
    "compare": ("?region=E47000007&level=lad&indicator=imd_score&compare_areas=E08000025,E08000028,E08000026",
                (1280, 900)),
    "phone": ("", (390, 844)),
    "versus": ("?region=E47000007&level=lad&indicator=imd_score&versus=gva_per_hour&versus_change=2013:2023",
               (1280, 900)),
    "hex-england": ("?region=E92000001&level=lad&indicator=imd_score&layout=hex", (1280, 900)),
    "phone-profile": ("?region=E47000007&level=ward&indicator=imd_score&area=E05011121", (390, 844)),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shoot(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for name, (query, (width, height)) in VIEWS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                install_routes(context)
                page = context.new_page()
                page.goto(base + query)
                page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", timeout=60_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
                if name == "compare":
                    page.get_by_role("tab", name="Compare areas").click()
                time.sleep(6)  # the rest of the page follows the map; charts and the map settle
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
                page.wait_for_function("() => [...document.querySelectorAll('.vega-embed')]"
                                       ".every(e => e.querySelector('canvas, svg'))", timeout=60_000)
                time.sleep(2)
                page.add_style_tag(content="*::-webkit-scrollbar { display: none !important; } "
                                           "* { caret-color: transparent !important; }")
                if name == "compare":  # the tab's content, from the same scroll position every time
                    page.evaluate("""() => {
                        const tabs = document.querySelector('[role="tablist"]');
                        let box = tabs.parentElement;
                        while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
                        box.scrollTop = 0;
                        box.scrollTop = tabs.getBoundingClientRect().top - 40;
                    }""")
                time.sleep(0.5)
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                print(name, "shot")
                context.close()
            browser.close()
    finally:
        os.killpg(server.pid, 15)
    return 0


def compare(a: Path, b: Path) -> int:
    from PIL import Image, ImageChops

    differ = 0
    for name in VIEWS:
        left, right = Image.open(a / f"{name}.png").convert("RGB"), Image.open(b / f"{name}.png").convert("RGB")
        if left.size != right.size:
            print(f"{name}: sizes differ {left.size} != {right.size}")
            differ += 1
            continue
        diff = ImageChops.difference(left, right)
        box = diff.getbbox()
        pixels = sum(1 for px in diff.get_flattened_data() if px != (0, 0, 0)) if box else 0
        print(f"{name}: {pixels} pixels differ" + (f" within {box}" if box else ""))
        differ += bool(pixels)
    return 1 if differ else 0


if __name__ == "__main__":
    verb, *paths = sys.argv[1:]
    sys.exit(shoot(Path(paths[0])) if verb == "shoot" else compare(Path(paths[0]), Path(paths[1])))
