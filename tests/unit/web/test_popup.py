"""mapkit.web.popup.Popup: folium's popup without jQuery, still inert for hostile text."""

from __future__ import annotations

import folium
import pytest

from mapkit.text.markup import escape
from mapkit.web.popup import Popup

HOSTILE = "`${alert(1)}` <script>alert(2)</script> \\` $"


def popup_script(html: str) -> str:
    m = folium.Map(tiles=None)
    folium.Marker([52.5, -1.9], popup=Popup(html, max_width=360)).add_to(m)
    return m.get_root().render()


def test_the_popup_needs_no_jquery() -> None:
    script = popup_script("<b>Coventry</b>")
    assert "$(" not in script
    assert 'document.createElement("template")' in script and "<b>Coventry</b>" in script
    assert '"maxWidth": 360' in script


def test_escaped_text_cannot_leave_the_template_literal() -> None:
    script = popup_script(f"<div>{escape(HOSTILE)}</div>")
    body = script[script.index("innerHTML = `") + len("innerHTML = `"):]
    literal = body[:body.index("`.trim()")]
    assert "`" not in literal and "${" not in literal and "<script" not in literal
    assert "&#96;&#36;{alert(1)}&#96;" in literal


def test_lazy_popups_are_refused() -> None:
    with pytest.raises(ValueError, match="lazy"):
        Popup("x", lazy=True)
