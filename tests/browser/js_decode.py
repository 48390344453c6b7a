"""Decode the map's geometry text with the browser's own decoder, run by Node (``tests/js/decode_cli.mjs``).

There is no Python decoder: tests of real boundaries decode through the JavaScript the browser runs. They skip when
``node`` is missing (CI installs it; ``.ci/run`` also runs ``node --test tests/js/``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parents[1] / "js" / "decode_cli.mjs"


def decode_payload(payload_json: str) -> tuple[int, list[list[list[list[tuple[float, float]]]]]]:
    """``(scale, [area][polygon][ring] -> [(lng, lat), ...])`` as the browser decodes ``payload_json``."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (apt-get install -y nodejs): it runs the browser's decoder")
    result = subprocess.run([node, str(CLI)], input=payload_json.encode("utf-8"), capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    scale = json.loads(payload_json)["scale"]
    areas = json.loads(result.stdout)
    return scale, [[[[(x / scale, y / scale) for x, y in ring] for ring in polygon] for polygon in area]
                   for area in areas]
