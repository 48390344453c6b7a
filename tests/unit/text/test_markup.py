"""Outside text made safe to show: markup escaped (also inside JS template literals) and direction controls gone."""

from __future__ import annotations

import pytest

from mapkit.text.markup import BIDI_CONTROLS, escape, without_bidi_controls


@pytest.mark.parametrize("control", list(BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_direction_controls_are_removed(control: str) -> None:
    assert without_bidi_controls(f"report{control}gpj.exe") == "reportgpj.exe"
    assert escape(f"<b>{control}</b>") == "&lt;b&gt;&lt;/b&gt;"


def test_the_listed_controls_are_every_one_the_issue_names() -> None:
    named = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F]}
    assert named <= set(BIDI_CONTROLS)


def test_right_to_left_scripts_are_kept() -> None:
    name = "Gorsaf Caerdydd \u2013 \u0645\u062d\u0637\u0629 \u05ea\u05d7\u05e0\u05d4"
    assert without_bidi_controls(name) == name and escape(name) == name


def test_escape_makes_markup_and_template_literals_inert() -> None:
    assert escape("`${alert(1)}`\\<script>") == "&#96;&#36;{alert(1)}&#96;&#92;&lt;script&gt;"
    assert escape(None) == "" and without_bidi_controls(None) == ""
