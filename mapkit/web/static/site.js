/*
 * mapkit site: the page of a static site written by `python -m mapkit publish` (mapkit/publish/site.py). It reads the
 * site's manifest (views, indicators, file names), offers region, areas and indicator pickers, and draws each view
 * with the same runtime as the app (areas.js, keyboard.js, map.js): the view's geometry is fetched once and kept,
 * an indicator change fetches only that indicator's per-area arrays and legend.
 *
 * The state is in the address (#region=E47000007&level=ward&indicator=imd_score, and &versus=gva_per_hour:2013-2023
 * for a bivariate map of the two measures), so a view can be linked, and
 * ?embed=1 gives the compact page an <iframe> embeds. The pure parts (state, links, embed snippet, picker groups)
 * are also a CommonJS module for node --test (tests/js/site.test.mjs).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.mapkit = root.mapkit || {};
    if (!root.mapkit.site) { root.mapkit.site = api; }
    if (root.document && root.document.getElementById("mapkit-manifest")) { api.startPage(root.document); }
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var NARROW_MAP = 560;  // as mapkit.web.elements.NARROW_MAP: legends start folded on a narrower map
  /* The embedded page (site.css, .mapkit-embed) is a column: title, map, link, sources. The map takes what the
   * frame leaves (at least EMBED_MIN_MAP px), so the frame's height is the map's plus the text's, counted for a
   * frame as narrow as EMBED_WIDTH px: in a wider frame the text takes fewer lines and the map grows. */
  var EMBED = {map: 400, minMap: 200, width: 380, padding: 14, titleLine: 21, titleChars: 38, line: 16, chars: 58,
               link: 20, listGap: 6};

  function viewKey(region, level) { return region + "/" + level; }

  /** Levels of a region that the site holds, in the manifest's order. */
  function levelsOf(manifest, region) {
    return Object.keys(manifest.levels).filter(function (level) {
      return Object.prototype.hasOwnProperty.call(manifest.views, viewKey(region, level));
    });
  }

  function params(text) {
    var out = {};
    String(text || "").replace(/^[#?]/, "").split("&").forEach(function (part) {
      var at = part.indexOf("="), key, value;
      if (!part) { return; }
      key = at < 0 ? part : part.slice(0, at);
      value = at < 0 ? "" : part.slice(at + 1);
      try {
        out[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, " "));
      } catch {  // a malformed escape: that parameter is left out
        return;
      }
    });
    return out;
  }

  /** Layouts of a region's level that the site holds (keys of manifest.layouts): the map, and the hex map where
   * there is one. */
  function layoutsOf(manifest, region, level) {
    return manifest.views[viewKey(region, level)].hex ? ["map", "hex"] : ["map"];
  }

  /**
   * The view a page address asks for, falling back to the site's default for anything the site does not hold.
   * @param {string} search  location.search (?embed=1)
   * @param {string} hash  location.hash (#region=...&level=...&indicator=...&layout=hex)
   * @param {object} manifest  the site's manifest (mapkit.publish.site.manifest)
   * @returns {object}  {region, level, indicator, versus: string ("" for one measure), layout: "map"|"hex",
   *   embed: boolean, notices: string[]}
   */
  function parseState(search, hash, manifest) {
    var asked = params(hash), fallback = manifest["default"], notices = [], region, level, levels, indicators,
        indicator, versus, layout;
    region = asked.region || fallback.region;
    if (!manifest.regions.some(function (r) { return r.code === region; })) {
      notices.push("This site has no map of region " + region + ": showing " + labelOf(manifest, fallback.region) +
                   ".");
      region = fallback.region;
    }
    levels = levelsOf(manifest, region);
    level = asked.level || (levels.indexOf(fallback.level) >= 0 ? fallback.level : levels[0]);
    if (levels.indexOf(level) < 0) {
      if (asked.level) { notices.push("This site has no map of " + asked.level + " areas here."); }
      level = levels.indexOf(fallback.level) >= 0 ? fallback.level : levels[0];
    }
    indicators = manifest.views[viewKey(region, level)].data;
    indicator = asked.indicator || fallback.indicator;
    if (!Object.prototype.hasOwnProperty.call(indicators, indicator)) {
      if (asked.indicator) { notices.push("This map has no indicator " + asked.indicator + "."); }
      indicator = Object.prototype.hasOwnProperty.call(indicators, fallback.indicator) ?
        fallback.indicator : Object.keys(indicators)[0];
    }
    versus = asked.versus || "";
    if (versus && !versusOf(manifest, {region: region, level: level, indicator: indicator, versus: versus})) {
      notices.push("This map has no second measure " + versus + " for " + manifest.indicators[indicator].label +
                   ": showing one measure.");
      versus = "";
    }
    layout = asked.layout || "map";
    if (layoutsOf(manifest, region, level).indexOf(layout) < 0) {
      notices.push(Object.prototype.hasOwnProperty.call(manifest.layouts, layout) ?
        "This site has no hex map of " + manifest.levels[level].label.toLowerCase() + " here: showing the map." :
        "This site has no layout " + layout + ": showing the map.");
      layout = "map";
    }
    return {region: region, level: level, indicator: indicator, versus: versus, layout: layout,
            embed: params(search).embed === "1", notices: notices};
  }

  /** The view's bivariate maps with the state's indicator as first measure (manifest view.versus entries). */
  function versusChoices(manifest, state) {
    var view = manifest.views[viewKey(state.region, state.level)];
    return ((view && view.versus) || []).filter(function (entry) { return entry.indicator === state.indicator; });
  }

  /** The bivariate map the state asks for ({key, indicator, label, reason, data}), or null for one measure. */
  function versusOf(manifest, state) {
    if (!state.versus) { return null; }
    return versusChoices(manifest, state).filter(function (entry) { return entry.key === state.versus; })[0] || null;
  }

  function labelOf(manifest, region) {
    var found = manifest.regions.filter(function (r) { return r.code === region; })[0];
    return found ? found.label : region;
  }

  /** The address fragment of a view (the layout only when it is not the map, so earlier links keep their form). */
  function stateHash(state) {
    return "#region=" + encodeURIComponent(state.region) + "&level=" + encodeURIComponent(state.level) +
           "&indicator=" + encodeURIComponent(state.indicator) +
           (state.versus ? "&versus=" + encodeURIComponent(state.versus) : "") +
           (state.layout && state.layout !== "map" ? "&layout=" + encodeURIComponent(state.layout) : "");
  }

  function attribute(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /**
   * The <iframe> a council or intranet page pastes to embed a view.
   * @param {string} page  the site page's address without query or fragment
   * @param {object} state  {region, level, indicator}
   * @param {string} title  what the map shows (the frame's accessible name)
   * @returns {string}
   */
  function embedSnippet(page, state, title, texts) {
    return "<iframe src=\"" + attribute(page + "?embed=1" + stateHash(state)) + "\" title=\"" + attribute(title) +
           "\" width=\"100%\" height=\"" + embedHeight(title, texts || []) +
           "\" style=\"border:0\" loading=\"lazy\"></iframe>";
  }

  /**
   * The height in pixels of an embedding frame that shows the whole embedded page: its map (EMBED.map) and, never
   * cut, its title and every line under the map (the sources and the publishing note), as they wrap in a frame
   * EMBED.width px wide.
   * @param {string} title  the map's title
   * @param {string[]} texts  the paragraphs under the map
   * @returns {number}
   */
  function embedHeight(title, texts) {
    var lines = function (text, chars) { return Math.max(1, Math.ceil(String(text).length / chars)); };
    var text = texts.reduce(function (sum, t) { return sum + lines(t, EMBED.chars) * EMBED.line; }, 0);
    return EMBED.map + EMBED.padding + lines(title, EMBED.titleChars) * EMBED.titleLine + EMBED.link +
           EMBED.listGap + text;
  }

  /**
   * Copy the embed snippet: the Clipboard API where the page may use it, else the textarea's selection.
   * @param {HTMLTextAreaElement} box
   * @param {HTMLElement} status  says what happened, politely
   * @returns {Promise<boolean>}
   */
  function copySnippet(box, status) {
    var done = function (ok) {
      status.textContent = ok ? "Copied: paste it into your page." : "Select the text above and copy it.";
      return ok;
    };
    var fallback = function () {
      box.focus();
      box.select();
      try { return done(document.execCommand("copy")); } catch { return done(false); }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(box.value).then(function () { return done(true); }, fallback);
    }
    return Promise.resolve(fallback());
  }

  /**
   * A view's indicators grouped by theme, in the manifest's order, for the picker's <optgroup>s.
   * @returns {Array<{theme: string, items: Array<{id: string, label: string}>}>}
   */
  function indicatorGroups(manifest, region, level) {
    var groups = [], byTheme = {};
    Object.keys(manifest.views[viewKey(region, level)].data).forEach(function (id) {
      var spec = manifest.indicators[id];
      if (!byTheme[spec.theme]) {
        byTheme[spec.theme] = {theme: spec.theme, items: []};
        groups.push(byTheme[spec.theme]);
      }
      byTheme[spec.theme].items.push({id: id, label: spec.label});
    });
    return groups;
  }

  /** What the map shows, as a title: "IMD 2025 score in West Midlands, by ward" (", hex map" on a hex map). */
  function titleOf(manifest, state) {
    var versus = versusOf(manifest, state);
    return manifest.indicators[state.indicator].label + (versus ? " against " + versus.label : "") + " in " +
           labelOf(manifest, state.region) + ", by " + manifest.levels[state.level].singular +
           (state.layout === "hex" ? ", hex map" : "");
  }

  /**
   * What a view draws in a layout: {bounds, areas, areaOptions, outlines, outlineOptions} and on a hex map also
   * {labels, note}. The hexagons list the areas' codes in the areas' order, so the view's data files draw on both.
   */
  function drawing(view, layout) { return layout === "hex" ? view.hex : view; }

  /**
   * The areas as an HTML table in rank order (rank 1 first, areas without a figure last), for readers who want the
   * figures rather than the colours and for screen readers.
   * @param {Array<object>} rows  layer.describe(i) of each area, in rank order: {name, parent, value, unit, rank}
   *   (text already HTML-escaped by Python)
   * @param {object} heads  {label, region, parentHead, versusLabel (a bivariate map's second measure, or
   *   absent)}: column heads, plain text
   * @returns {string}
   */
  function tableHtml(rows, heads) {
    var two = Boolean(heads.versusLabel);
    var h = "<table class='site-table'><caption>" + attribute(heads.label) + ", areas in " + attribute(heads.region) +
            " in rank order</caption><thead><tr><th scope='col'>Rank in " + attribute(heads.region) + "</th>" +
            "<th scope='col'>Area</th><th scope='col'>" + attribute(heads.parentHead) + "</th>" +
            "<th scope='col'>" + attribute(heads.label) + "</th>" +
            (two ? "<th scope='col'>" + attribute(heads.versusLabel) + "</th><th scope='col'>Cell</th>" : "") +
            "</tr></thead><tbody>";
    rows.forEach(function (d) {
      h += "<tr><td>" + (d.rank === null || d.rank === undefined ? "" : Number(d.rank).toLocaleString("en-GB")) +
           "</td><th scope='row'>" + d.name + "</th><td>" + (d.parent || "") + "</td><td>" + d.value +
           (d.unit ? " <span class='site-unit'>" + d.unit + "</span>" : "") + "</td>";
      if (two) {
        h += "<td>" + (d.versus ? d.versus.value : "") + "</td><td>" +
             (d.versus && d.versus.cell !== null ? d.versus.cell : "") + "</td>";
      }
      h += "</tr>";
    });
    return h + "</tbody></table>";
  }

  /** What to tell the reader when a map file did not load. */
  function loadProblem(error, protocol) {
    if (protocol === "file:") {
      return "This map's files cannot be read from a page opened as a file: browsers forbid it. Serve the folder " +
             "with a web server, e.g. python -m http.server -d site/, and open http://localhost:8000/.";
    }
    return "This map could not be loaded (" + error.message + "): reload the page.";
  }

  // ------------------------------------------------------------------------------------------- the page (browser)

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function fill(select, options, chosen) {  // options: [{value, label}] or [{group, options}]
    select.textContent = "";
    options.forEach(function (option) {
      var parent = select;
      if (option.options) {
        parent = select.appendChild(element("optgroup", {label: option.group}));
        option.options.forEach(function (inner) {
          parent.appendChild(element("option", {value: inner.value}, inner.label));
        });
      } else {
        select.appendChild(element("option", {value: option.value}, option.label));
      }
    });
    select.value = chosen;
  }

  /**
   * Start the page: pickers, the map and its information panel, driven by the address.
   * @param {object} manifest
   * @param {object} page  elements: {region, level, indicator: HTMLSelectElement, map, title, description,
   *   sources, embed: HTMLTextAreaElement, status, notices: HTMLElement}
   */
  function start(manifest, page) {
    var map = null, shownView = null, shownDrawing = null, group = null, docs = {}, state = null, generation = 0;
    document.documentElement.classList.toggle("mapkit-embed", parseState(location.search, "", manifest).embed);

    function loadDoc(url) {
      if (!docs[url]) {
        docs[url] = fetch(url).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status + " for " + url); }
          return response.json();
        });
        docs[url].catch(function () { delete docs[url]; });
      }
      return docs[url];
    }

    function newMap(view, layout) {  // view: a drawing(); a hex map has no tiles, its hexagons being no geography
      if (map) { map.remove(); }
      map = L.map(page.map, {zoomSnap: 0.25, center: [52.8, -1.6], zoom: 6});
      if (manifest.tiles && layout !== "hex") {
        L.tileLayer(manifest.tiles.url, {attribution: manifest.tiles.attribution, maxZoom: manifest.tiles.maxZoom})
          .addTo(map);
      }
      if (layout !== "hex") { L.control.scale().addTo(map); }  // distances on a hex map mean nothing
      window.mapkit.styleMap(map, {background: "#ffffff"});
      window.mapkit.focusWithoutScroll(map);
      if (view.outlines) { window.mapkit.areas(view.outlines, null, view.outlineOptions).addTo(map); }
      window.mapkit.fitRegion(map, {bounds: view.bounds});
      group = null;
    }

    function showTable() {  // built when the reader opens it (England's LSOAs are 33,755 rows)
      var areas = page.map.mapkitLayer;
      if (!page.table.open || !areas) { page.tableBody.textContent = ""; return; }
      areas.ready.then(function (layer) {
        if (layer !== page.map.mapkitLayer || !page.table.open) { return; }
        var rows = [], i;
        for (i = 0; i < layer.mapkitAreas; i++) { rows.push(layer.describe(i)); }
        var versus = versusOf(manifest, state);
        page.tableBody.innerHTML = tableHtml(window.mapkit.keyboard.rankOrder(rows.map(function (d) {
          return d.rank;
        })).map(function (k) { return rows[k]; }), {
          label: manifest.indicators[state.indicator].label, region: labelOf(manifest, state.region),
          parentHead: shownView.parentHead, versusLabel: versus ? versus.label : ""});
      });
    }

    function draw(view, doc) {
      var next = L.featureGroup(), areas = window.mapkit.areas(view.areas, doc.data, view.areaOptions);
      next.addLayer(areas);
      window.mapkit.legend(next, {html: doc.legend, position: "bottomright", narrowMap: NARROW_MAP,
                                  className: "mapkit-legend leaflet-bar"});
      if (view.note) {
        window.mapkit.legend(next, {html: view.note, position: "bottomright", narrowMap: NARROW_MAP,
                                    className: "mapkit-legend-extra"});
      }
      if (view.labels) { window.mapkit.placeLabels(next, {points: view.labels}); }
      areas.on("click", function (e) { areas.showArea(areas.areaAt(e.latlng)); });  // a tap shows what a hover does
      if (group) { map.removeLayer(group); }
      group = next.addTo(map);
      page.map.mapkitLayer = areas;  // for tests and tools: mapkitList(), ready
      showTable();
      return areas.ready;
    }

    function describe() {
      var spec = manifest.indicators[state.indicator], title = titleOf(manifest, state);
      page.title.textContent = title;
      document.title = title + " - " + manifest.title;
      var versus = versusOf(manifest, state);
      page.description.textContent = spec.description + " Unit: " + spec.unit + ". Period: " + spec.period + "." +
        (versus ? " Against " + versus.label + ": " + versus.reason : "");
      page.sources.textContent = "";
      var lines = spec.sources.concat(versus ? versus.sources : [], manifest.boundarySources,
                                      state.layout === "hex" ? manifest.hexSources : []);
      lines.forEach(function (line) { page.sources.appendChild(element("li", {}, line)); });
      page.embed.value = embedSnippet(location.href.split(/[?#]/)[0], state, title,
                                      lines.concat([page.built.textContent]));
      page.full.href = location.pathname + stateHash(state);
    }

    function show() {
      var view, drawn, url, mine = ++generation;
      state = parseState(location.search, location.hash, manifest);
      page.notices.textContent = state.notices.join(" ");
      fill(page.region, manifest.regions.map(function (r) { return {value: r.code, label: r.label}; }), state.region);
      fill(page.level, levelsOf(manifest, state.region).map(function (level) {
        return {value: level, label: manifest.levels[level].label};
      }), state.level);
      fill(page.indicator, indicatorGroups(manifest, state.region, state.level).map(function (g) {
        return {group: g.theme, options: g.items.map(function (i) { return {value: i.id, label: i.label}; })};
      }), state.indicator);
      fill(page.versus, [{value: "", label: "None (one measure)"}].concat(versusChoices(manifest, state).map(
        function (entry) { return {value: entry.key, label: entry.label}; })), state.versus);
      page.versus.disabled = versusChoices(manifest, state).length === 0;
      fill(page.layout, layoutsOf(manifest, state.region, state.level).map(function (layout) {
        return {value: layout, label: manifest.layouts[layout]};
      }), state.layout);
      page.layout.disabled = page.layout.options.length < 2;
      describe();
      view = manifest.views[viewKey(state.region, state.level)];
      drawn = drawing(view, state.layout);
      if (shownDrawing !== drawn) { newMap(drawn, state.layout); shownView = view; shownDrawing = drawn; }
      url = state.versus ? versusOf(manifest, state).data : view.data[state.indicator];
      page.status.textContent = "Loading " + manifest.indicators[state.indicator].label + "...";
      return loadDoc(url).then(function (doc) {
        if (mine !== generation) { return null; }  // the reader moved on meanwhile
        return draw(drawn, doc).then(function () {
          page.status.textContent = "Showing " + titleOf(manifest, state) + ".";
        });
      }).catch(function (error) {
        page.status.textContent = loadProblem(error, location.protocol);
      });
    }

    function choose(changes) {
      var next = {region: state.region, level: state.level, indicator: state.indicator, versus: state.versus,
                  layout: state.layout};
      Object.keys(changes).forEach(function (key) { next[key] = changes[key]; });
      if (next.versus && !versusOf(manifest, next)) { next.versus = ""; }  // the pair is not offered there
      history.replaceState(null, "", location.pathname + location.search + stateHash(next));
      return show();
    }

    page.table.addEventListener("toggle", showTable);
    page.copy.addEventListener("click", function () { copySnippet(page.embed, page.copied); });
    page.region.addEventListener("change", function () { choose({region: page.region.value}); });
    page.level.addEventListener("change", function () { choose({level: page.level.value}); });
    page.indicator.addEventListener("change", function () { choose({indicator: page.indicator.value}); });
    page.versus.addEventListener("change", function () { choose({versus: page.versus.value}); });
    page.layout.addEventListener("change", function () { choose({layout: page.layout.value}); });
    window.addEventListener("hashchange", show);
    return show();
  }

  /** Start the page of site.html: its manifest and elements by id (this file is loaded last, at the body's end). */
  function startPage(doc) {
    var byId = function (id) { return doc.getElementById(id); };
    return start(JSON.parse(byId("mapkit-manifest").textContent), {
      region: byId("pick-region"), level: byId("pick-level"), indicator: byId("pick-indicator"),
      versus: byId("pick-versus"), layout: byId("pick-layout"), map: byId("map"),
      title: byId("map-title"), description: byId("map-description"), sources: byId("map-sources"),
      embed: byId("embed-snippet"), status: byId("map-status"), notices: byId("map-notices"), full: byId("open-full"),
      table: byId("area-table"), tableBody: byId("area-table-body"), copy: byId("copy-embed"),
      copied: byId("copy-status"), built: byId("site-built")
    });
  }

  return {parseState: parseState, stateHash: stateHash, embedSnippet: embedSnippet, embedHeight: embedHeight,
          EMBED: EMBED, indicatorGroups: indicatorGroups, levelsOf: levelsOf, layoutsOf: layoutsOf, titleOf: titleOf,
          tableHtml: tableHtml, loadProblem: loadProblem, start: start, startPage: startPage,
          versusChoices: versusChoices, versusOf: versusOf};
});
