"""A folium popup that needs no jQuery, so that maps load Leaflet alone.

folium's ``Popup`` turns its HTML into an element with jQuery (``$(`...`)[0]``), which makes every map load jQuery
(87 kB, and a script to run before the map draws) for this one call. This popup does the same with a
``<template>`` element. Its HTML must be safe inside a JavaScript template literal, as :func:`mapkit.text.markup.escape`
makes it (folium's own escaping of backticks applies too).
"""

from __future__ import annotations

import folium
from folium.template import Template


class Popup(folium.Popup):
    """``folium.Popup`` (same arguments) whose content is built without jQuery."""

    _template = Template(
        """
        var {{ this.get_name() }} = L.popup({{ this.options|tojavascript }});
        {% for name, element in this.html._children.items() %}
            var {{ name }} = document.createElement("template");
            {{ name }}.innerHTML = `{{ element.render(**kwargs).replace('\\n',' ') }}`.trim();
            {{ this.get_name() }}.setContent({{ name }}.content.firstElementChild);
        {% endfor %}
        {{ this._parent.get_name() }}.bindPopup({{ this.get_name() }}){% if this.show %}.openPopup(){% endif %};
        {% for name, element in this.script._children.items() %}
            {{ element.render() }}
        {% endfor %}
        """
    )

    def __init__(self, *args, **kwargs) -> None:
        if kwargs.get("lazy"):
            raise ValueError("mapkit.web.popup.Popup builds its content at once; lazy popups are not supported")
        super().__init__(*args, **kwargs)
