"""The ranked table: a page of the view's areas in rank order (search, order, page), a row opening its profile, the
same rows as a plain HTML table, and every area as a tidy CSV or an Excel workbook."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

import mapkit
from mapkit.analysis import paging
from mapkit.app import state
from mapkit.analysis.map_data import MapData
from mapkit.app.cached import own_figures, ranking
from mapkit.app.downloads import table_downloads
from mapkit.app.state import Widget
from mapkit.app.trends import trend_config, with_trend
from mapkit.export.naming import table_file_name
from mapkit.text import wording
from mapkit.text.markup import markdown_text
from mapkit.text.ranks import decile_hint, rank_hint
from mapkit.text.wording import table_number_format
from mapkit.view import View


def table_controls(view: View, table: pd.DataFrame) -> tuple[paging.TablePage, tuple]:
    """Search, order and page of the ranked table; a new view, search or order starts again at page 1.

    Returns the page and what the table shows (the view's indicator, level and region, the search and the order)."""
    spec = mapkit.registry().indicator(view.indicator)
    search_column, order_column, page_column = st.columns([4, 3, 2], vertical_alignment="bottom")
    query = search_column.text_input("Search by name or code", key=Widget.TABLE_SEARCH, placeholder="e.g. Aston",
                                     max_chars=100).strip()
    if state.widget(Widget.TABLE_ORDER) is None:
        state.set_widget(Widget.TABLE_ORDER, paging.ORDERS[0])
    order = order_column.radio("Order", paging.ORDERS, key=Widget.TABLE_ORDER, horizontal=True,
                               format_func=lambda o: paging.order_label(o, spec.higher_is))
    signature = (view.indicator, view.level, view.region, query, order)
    if state.first_time("table", signature):
        state.set_widget(Widget.TABLE_PAGE, 1)
    pages = paging.pages_for(len(paging.name_filter(table, query)))
    state.set_widget(Widget.TABLE_PAGE, min(max(1, int(state.widget(Widget.TABLE_PAGE) or 1)), pages))
    page = page_column.number_input("Page", min_value=1, max_value=pages, step=1, key=Widget.TABLE_PAGE,
                                    disabled=pages == 1, help=f"{paging.PAGE_ROWS} rows a page. Every row is in "
                                                              "the CSV download below the table.")
    return paging.table_page(table, query=query, order=order, page=int(page)), signature


def show_ranking(view: View, data: MapData | None = None) -> None:
    """A page of the ranked table (every area would be megabytes at each rerun for England), with its controls;
    ranked from the map's prepared ``data`` when given (its rows are loaded once)."""
    spec = mapkit.registry().indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    plural = mapkit.registry().boundary(view.level).plural
    st.header(f"{spec.label}: {plural} of {region_name}, ranked")
    table = ranking(view.indicator, view.level, view.region, None if data is None else own_figures(data))
    page, signature = table_controls(view, table)
    query = str(state.widget(Widget.TABLE_SEARCH) or "").strip()
    st.caption(page.summary(plural, markdown_text(query)))
    rows = page.rows
    page_rows = rows.assign(value_text=[spec.format_value(None if pd.isna(v) else float(v)) for v in rows["value"]])
    page_rows, trend_column = with_trend(page_rows, view)
    # A key per page: a selection belongs to the rows it was made on, not to the same position on another page.
    key = "ranking_table_" + state.digest((signature, page.page))
    columns = [*(["rank_in_region"] if view.region != mapkit.ENGLAND else []), "name", "code", "value",
               *trend_column, "rank_in_england", "n_england", "decile_in_england", "note"]
    st.dataframe(
        page_rows[columns], hide_index=True, width="stretch", height=320, key=key,  # only the columns shown are sent
        on_select=functools.partial(open_picked_row, key, list(page_rows["code"].astype(str))),
        selection_mode="single-row", column_order=columns,
        column_config={
            **trend_config(view),
            "rank_in_region": st.column_config.NumberColumn(f"Rank in {region_name}", help=rank_hint(spec)),
            "name": st.column_config.TextColumn("Name"),
            "code": st.column_config.TextColumn("Code"),
            "value": st.column_config.NumberColumn(f"{spec.label} ({spec.unit})",
                                                   format=table_number_format(spec.number_format)),
            "rank_in_england": st.column_config.NumberColumn("Rank in England", help=rank_hint(spec)),
            "n_england": st.column_config.NumberColumn("Areas ranked in England"),
            "decile_in_england": st.column_config.NumberColumn("National decile",
                                                               help=decile_hint(spec, plural)),
            "note": st.column_config.TextColumn("Note"),
        },
    )
    if st.checkbox("Show as a plain table", key=Widget.PLAIN_TABLE,
                   help="The rows of this page as an HTML table with headers, for screen readers and printing."):
        plain_table(page_rows, view)
    table_downloads(f"Download all {len(table):,} {plural}", "indicator", (view.indicator, view.level, view.region),
                    stem=table_file_name(view.indicator, view.level, view.region).removesuffix(".csv"),
                    key="ranking_download")
    st.caption(wording.source_caption(spec))


def open_picked_row(key: str, codes: list[str]) -> None:
    """The table's ``on_select`` callback: the picked row's area opens its profile before the page runs (one run),
    and on a phone the profile is brought into view."""
    picked = getattr(getattr(state.widget(key), "selection", None), "rows", None) or []
    if picked and picked[0] < len(codes):
        code, current = codes[picked[0]], state.current_view()
        if code != current.area and state.first_time("table_pick", code):
            state.set_view(current.with_area(code))
            state.ask_reveal()


def plain_table(page_rows: pd.DataFrame, view: View) -> None:
    """The page's rows as a real HTML table (st.table): the same rows, in the same order, as the grid above."""
    spec = mapkit.registry().indicator(view.indicator)
    region_name = mapkit.region_name(view.region)
    columns = {"rank_in_region": f"Rank in {region_name}", "name": "Name", "code": "Code",
               "value_text": f"{spec.label} ({spec.unit})", "rank_in_england": "Rank in England",
               "decile_in_england": "National decile", "note": "Note"}
    if view.region == mapkit.ENGLAND:  # England is the region: its rank is the rank in England (as in the grid)
        columns.pop("rank_in_region")
    table = page_rows[[c for c in columns if c in page_rows.columns]].rename(columns=columns)
    st.table(table.astype(str).replace({"nan": "", "<NA>": "", "None": ""}))
