"""The package's layers, as its folders show them: no module imports from a layer above its own, only the page
(``mapkit.app``) imports Streamlit, and nothing below ``mapkit.web`` imports folium."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mapkit"

LAYERS: dict[str, int] = {
    "mapkit.errors": 0, "mapkit.files": 0, "mapkit.workers": 0,
    "mapkit.specs": 1,
    "mapkit.data": 2, "mapkit": 2,
    "mapkit.text": 3,
    "mapkit.view": 4, "mapkit.links": 4,
    "mapkit.analysis": 5,
    "mapkit.web": 6,
    "mapkit.export": 7,
    "mapkit.publish": 8, "mapkit.pipeline": 8,
    "mapkit.app": 9,
    "mapkit.cli": 10,
    "mapkit.__main__": 11,
}
"""Each folder or loose module and its floor, from the ground up: a module may import its own floor and those below.
``mapkit`` itself (``__init__``) is the public face of the data API and the specs."""
WEB = LAYERS["mapkit.web"]
MAX_LOOSE_MODULES = 12


def modules() -> dict[str, Path]:
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> str:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return ".".join(parts[:n])
    raise KeyError(module)


def imports(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports (at the top or inside functions), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            if node.module == "mapkit":
                found += [(f"mapkit.{alias.name}", node.lineno) for alias in node.names
                          if (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").is_file()]
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def test_every_module_has_a_layer_and_few_stand_loose() -> None:
    for name in modules():
        assert layer(name), name
    loose = [p for p in PACKAGE.glob("*.py")]
    assert len(loose) <= MAX_LOOSE_MODULES, sorted(p.name for p in loose)


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = []
    for name, path in modules().items():
        for target, line in imports(path):
            if target.split(".")[0] == "mapkit" and LAYERS[layer(target)] > LAYERS[layer(name)]:
                upward.append(f"{name}:{line} -> {target}")
    assert upward == []


@pytest.mark.parametrize("library", ["folium", "branca", "streamlit_folium"])
def test_nothing_below_the_web_layer_imports_folium(library: str) -> None:
    below = [f"{name}:{line}" for name, path in modules().items() if LAYERS[layer(name)] < WEB
             for target, line in imports(path) if target.split(".")[0] == library]
    assert below == []


def test_only_the_page_imports_streamlit() -> None:
    outside = [f"{name}:{line}" for name, path in modules().items() if layer(name) != "mapkit.app"
               for target, line in imports(path) if target.split(".")[0] in ("streamlit", "streamlit_folium")]
    assert outside == []


def test_the_library_imports_without_streamlit() -> None:
    names = sorted(n for n in modules() if layer(n) != "mapkit.app" and n != "mapkit.__main__")
    script = ("import importlib, sys\n"
              f"for name in {names!r}:\n"
              "    importlib.import_module(name)\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'streamlit_folium')))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_layer_check_finds_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from mapkit.web import choropleth\n")
    assert imports(module) == [("mapkit.web", 2)]
    assert LAYERS[layer("mapkit.web.choropleth")] > LAYERS[layer("mapkit.data.products")]
