"""The sidebar's controls: what to map (region, areas, indicator), over time, classes and colours, overlays.

:func:`sidebar` draws them and returns the view they describe; the search box above them is :mod:`mapkit.app.find`,
the upload below them :mod:`mapkit.app.upload`.
"""

from __future__ import annotations

import datetime

import streamlit as st

import mapkit
from mapkit.app import state
from mapkit.app.bivariate import versus_controls
from mapkit.app.cached import offered_overlays
from mapkit.app.find import search_box
from mapkit.app.layout import layout_switch
from mapkit.app.state import Widget
from mapkit.app.trends import time_controls
from mapkit.data import status_dates
from mapkit.specs import classes as class_specs
from mapkit.specs import palettes
from mapkit.specs.basemaps import BASEMAPS
from mapkit.specs.registry import overlay_declarations, overlay_specs
from mapkit.text import wording
from mapkit.text.ranks import DARKER
from mapkit.text.wording import level_label, palette_label, region_label, sentence_case
from mapkit.view import DEFAULT, View, default_indicator, indicators_for, levels_for, status_order
from mapkit.web import overlays as overlay_drawing


def indicator_label(indicator: str) -> str:
    return mapkit.registry().indicator(indicator).label


def on_theme_change() -> None:
    """A new theme selects its first indicator available at the current level."""
    level = state.widget(Widget.LEVEL)
    theme = state.widget(Widget.THEME)
    for indicator in indicators_for(level):
        if mapkit.registry().indicator(indicator).theme == theme:
            state.set_widget(Widget.INDICATOR, indicator)
            return


def sidebar(previous: View) -> View:
    """Draw the controls and return the view they describe."""
    registry = mapkit.registry()
    sb = st.sidebar
    previous = search_box(previous)
    sb.header("What to map")
    region_codes = list(mapkit.regions()["code"])
    region = sb.selectbox("Region", region_codes, key=Widget.REGION, format_func=region_label,
                          help="England, a combined authority or a district. Type to search by name.")
    levels = list(levels_for(region))
    state.keep_option(Widget.LEVEL, levels, DEFAULT.level)
    level = sb.radio("Areas", levels, key=Widget.LEVEL, format_func=level_label, horizontal=True,
                     help="LSOAs are neighbourhoods of about 1,500 people (33,755 in England).")
    layout = layout_switch(region, level)

    available = indicators_for(level)
    state.keep_option(Widget.INDICATOR, available, default_indicator(level))
    themes = list(dict.fromkeys(registry.indicator(i).theme for i in available))
    state.set_widget(Widget.THEME, registry.indicator(state.widget(Widget.INDICATOR)).theme)
    theme = sb.selectbox("Theme", themes, key=Widget.THEME, on_change=on_theme_change)
    in_theme = [i for i in available if registry.indicator(i).theme == theme]
    indicator = sb.selectbox("Indicator", in_theme, key=Widget.INDICATOR, format_func=indicator_label)
    spec = registry.indicator(indicator)
    sb.caption(spec.description)
    sb.caption(f"**Unit:** {spec.unit} · **Period:** {spec.period}  \n{wording.source_caption(spec)}")
    if spec.note_for(level):
        sb.caption(f"**Note for {registry.boundary(level).plural}:** {spec.note_for(level)}")
    missing = [s for s in registry.indicators.values() if level not in s.levels]
    if missing:
        with sb.expander(f"Not available for {registry.boundary(level).plural} ({len(missing)})"):
            # One element for the list (56 indicators at LSOAs): each element is a message at every rerun.
            st.caption("\n\n".join(f"**{other.label}** ({other.theme}): "
                                    + (other.note_for(level) or f"Published for {', '.join(other.levels)} only.")
                                    for other in missing))

    time = time_controls(indicator, level)
    versus = versus_controls(indicator, level)

    sb.header("Classes and colours")
    schemes = class_specs.available_schemes(spec)
    state.set_widget(Widget.SCHEME, state.scheme_for(indicator, schemes))
    scheme = sb.selectbox("Classification", schemes, key=Widget.SCHEME, on_change=state.remember_scheme,
                          format_func=lambda s: class_specs.SCHEMES[s].label, disabled="change" in time,
                          help="A change map has equal steps either side of its centre." if "change" in time else None)
    deciles = class_specs.SCHEMES[scheme].needs_deciles
    k = sb.slider("Number of classes", class_specs.K_MIN, class_specs.K_MAX, key=Widget.K, disabled=deciles,
                  help="Official national deciles always have ten classes." if deciles else None)
    breaks_from = sb.radio("Class breaks" if not versus else "Thirds of each measure", list(class_specs.BREAKS_FROM),
                           key=Widget.BREAKS, format_func=lambda c: sentence_case(class_specs.BREAKS_FROM[c]),
                           disabled=deciles and not versus,
                           help="Compared with England: breaks from every area of this level in England, so the "
                                "region reads against the national picture. Within this region: breaks from the "
                                "region's areas only, to show differences inside it. With a second measure, each "
                                "measure is cut into thirds of those areas.")
    palette_names = [palettes.DEFAULT, *palettes.PALETTES]
    palette = sb.selectbox("Palette", palette_names, key=Widget.PALETTE,
                           format_func=lambda p: palette_label(p, indicator),
                           help=f"All palettes are colour-blind safe. {DARKER[spec.higher_is]}. "
                                "'Greyscale for printing' survives black-and-white copies.")
    basemap = sb.radio("Basemap", list(BASEMAPS), key=Widget.BASEMAP, format_func=lambda b: BASEMAPS[b].label,
                       disabled=layout == "hex", help="A hex map has no basemap: its hexagons are not places."
                       if layout == "hex" else None)
    chosen, statuses, as_of = overlay_controls()

    area = previous.area if (previous.region, previous.level) == (region, level) else None
    view, _ = View.lenient(region=region, level=level, indicator=indicator, scheme=scheme, k=int(k),
                           breaks_from=breaks_from, palette=palette, basemap=basemap, area=area, overlays=chosen,
                           statuses=statuses,
                           postcode=previous.postcode if previous.region == region else None,
                           compare_areas=previous.compare_areas, as_of=as_of, layout=layout, similar=previous.similar,
                           place=previous.place if previous.region == region else None,
                           own=previous.own, own_name=previous.own_name,
                           overlay_ids=offered_overlays(), **time, **versus)
    return view


def overlay_controls() -> tuple[tuple[str, ...], tuple[str, ...] | None, str | None]:
    """Overlay groups, statuses to draw (``None``: every status) and the "as of" date (``None``: today)."""
    sb = st.sidebar
    sb.header("Overlays")
    chosen = tuple(spec.id for spec in overlay_specs().values()
                   if sb.checkbox(spec.label, key=Widget.overlay(spec.id), help=spec.description))
    order = status_order()
    labels = overlay_declarations().status.labels
    picked = sb.multiselect("Statuses shown", order, key=Widget.STATUSES, format_func=lambda s: labels[s],
                            disabled=not chosen, placeholder="No status: nothing drawn",
                            help="Each feature's own status text and date are in its popup. 'Status unclear' "
                                 "holds schemes whose status the sources leave open (shelved, superseded, "
                                 "delayed).")
    statuses = None if set(picked) == set(order) else tuple(s for s in order if s in picked)
    as_of = None
    if sb.checkbox("Show the schemes as of a date", key=Widget.AS_OF_ON, disabled=not chosen,
                   help="The research holds each scheme's latest status and its date, not its history: as of a "
                        "date, only schemes whose status was recorded by then are drawn. Popups flag statuses "
                        "over a year older than this date (or than today)."):
        day = sb.date_input("As of", key=Widget.AS_OF, min_value=status_dates.EARLIEST,
                            max_value=datetime.date.today().replace(year=datetime.date.today().year + 10),
                            format="YYYY-MM-DD", disabled=not chosen)
        as_of = day.isoformat() if isinstance(day, datetime.date) else None
    if chosen and statuses == ():
        sb.caption("Choose at least one status to draw the overlays.")
    elif chosen:
        with sb.expander("Key to the overlay symbols", expanded=True):
            st.markdown(overlay_drawing.legend_html(chosen, statuses=statuses), unsafe_allow_html=True)
    return chosen, statuses, as_of
