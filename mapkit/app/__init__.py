"""The Streamlit page as parts (the only package that imports Streamlit; ``app.py`` runs :func:`page.run`).

* :mod:`~mapkit.app.state`: every session-state key, the one writer of the current view, act-once events;
* :mod:`~mapkit.app.cached`: what is computed from inputs alone, cached per server process;
* parts, each a function of the view that draws one region of the page: :mod:`~mapkit.app.sidebar` (with
  :mod:`~mapkit.app.find` and :mod:`~mapkit.app.upload`), :mod:`~mapkit.app.map_panel`, :mod:`~mapkit.app.place`,
  :mod:`~mapkit.app.profile`, :mod:`~mapkit.app.trends`, :mod:`~mapkit.app.ranking`, :mod:`~mapkit.app.compare`,
  :mod:`~mapkit.app.nearby`, :mod:`~mapkit.app.scorecard`, :mod:`~mapkit.app.export_tab`, :mod:`~mapkit.app.share`;
  :mod:`~mapkit.app.guarded` keeps a damaged data product to its part; :mod:`~mapkit.app.page` puts them together.

Adding a part (``tests/app/test_part_state.py`` scans for 2 to 4):

1. One module, one region of the page, a function of the :class:`~mapkit.view.View` (``show_x(view)``), under
   300 lines; one guarded call in :mod:`~mapkit.app.page`.
2. Only :mod:`~mapkit.app.state` touches Streamlit's session: declare widget keys in ``state.Widget`` and page
   values as ``state.Slot``; read and write them through ``state``.
3. What the user sees is the view: anything a link should reopen is a View field (a rule in ``mapkit.view.RULES``
   and a link form in ``mapkit.links``; ``tests/unit/test_links.py`` round-trips every field). Only
   :func:`state.set_view` writes the current view (callbacks call it).
4. Act once on a new event (a click, a pick, a file) only through :func:`state.first_time`.
5. Library calls the page repeats go through :mod:`~mapkit.app.cached`; no rules of the data in the page.
6. AppTests in ``tests/app/test_part_<module>.py`` asserting rendered values, with ``tests/app/app_parts.part`` to
   draw the part alone (quicker than the whole app).
"""
