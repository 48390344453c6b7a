"""The package as a whole: no import runs in a circle, and pyproject.toml ships every file mapkit reads at run time."""

from __future__ import annotations

import ast
import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def import_graph() -> dict[str, set[str]]:
    """mapkit module -> the mapkit modules it imports (at the top or inside functions), parents excluded."""
    modules = {}
    for path in (ROOT / "mapkit").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mapkit"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name and not name.startswith(m + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, found by depth-first search from each module."""
    out = []

    def walk(path: list[str]) -> None:
        for nxt in sorted(graph[path[-1]]):
            if nxt == path[0]:
                out.append(path + [nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle once, from its smallest module
                walk(path + [nxt])

    for start in sorted(graph):
        walk([start])
    return out


def test_no_mapkit_modules_import_each_other_in_a_circle() -> None:
    graph = import_graph()
    assert "mapkit.export.naming" in graph["mapkit.export.pack"]
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_package_data_covers_the_files_read_at_run_time() -> None:
    setup = PYPROJECT["tool"]["setuptools"]
    data = setup["package-data"]
    roots = {package: ROOT / folder for package, folder in setup["package-dir"].items()}
    for package, folder in [("mapkit.web", ROOT / "mapkit" / "web"),
                            ("mapkit.declarations", roots["mapkit.declarations"])]:
        files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.suffix != ".py"
                 and "__pycache__" not in p.parts]
        unshipped = [f for f in files if not any(fnmatch.fnmatch(f, pattern) for pattern in data[package])]
        assert files and not unshipped, f"{package}: {unshipped}"
    assert roots["mapkit.declarations"] == ROOT / "layers"
    packages = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "mapkit").rglob("__init__.py")}
    assert set(setup["packages"]) == packages | {"mapkit.declarations"}


def test_the_console_script_is_the_cli() -> None:
    assert PYPROJECT["project"]["scripts"] == {"mapkit": "mapkit.cli:main"}
