/*
 * mapkit areas: all areas of a view as one Leaflet layer on one canvas (window.mapkit.areas), with hover outline,
 * tooltip and click. Needs Leaflet and geometry.js (window.mapkit.geometry). Python: mapkit.web.elements.AreaLayer.
 *
 * One layer instead of one per area (thousands at England scale), drawn straight from vertices decoded and
 * projected once, once the map is fitted. Hover and click are found from the map's mouse events with a grid index
 * and a point-in-polygon test, so other canvases or SVG drawn above never hide the areas from the mouse.
 */
(function (mapkit) {
  "use strict";
  if (mapkit.areas) { return; }
  var G = mapkit.geometry;
  var MIN_STEP = 0.6;  // pixels (x + y): closer vertices are skipped while drawing (Leaflet's smoothing drops more)

  function latLngs(shape, a) {  // one decoded area -> [polygon][ring][L.LatLng], for its outline
    var out = [], rings = null, r, j, points;
    for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
      if (shape.firstOfPart[r] || !rings) { rings = []; out.push(rings); }
      points = [];
      for (j = shape.ringStart[r]; j < shape.ringStart[r + 1]; j++) {
        points.push(L.latLng(shape.lat[j], shape.lng[j]));
      }
      rings.push(points);
    }
    return out;
  }

  // Selected and hovered areas: a black line on a white halo, so the outline shows on the lightest and the darkest
  // class of every palette (non-text contrast of at least 3:1 against one of the two; tests/unit/web/test_contrast.py).
  var HALO = {color: "#ffffff", opacity: 1, fill: false, interactive: false};
  function outline(shape, a, weight) {
    var rings = latLngs(shape, a);
    return L.featureGroup([L.polygon(rings, L.extend({weight: weight + 3}, HALO)),
                           L.polygon(rings, {color: "#000", weight: weight, fill: false, interactive: false})]);
  }

  // A user's upload drawn above (uploads.js) takes the mouse where it has a feature: its name, not the area's.
  function covered(map, latlng) { return Boolean(mapkit.uploads && mapkit.uploads.coveredAt(map, latlng)); }

  function count(n) { return n === null || n === undefined ? "" : Number(n).toLocaleString("en-GB"); }

  function tooltip(geom, data, i) {  // every text in geom and data arrives escaped from Python
    var h = "<div style='white-space:normal;width:250px;font-size:12px;line-height:1.35'>";
    h += "<b>" + geom.names[i] + "</b>";
    if (geom.parents[i]) { h += " <span style='color:#555'>(" + geom.parents[i] + ")</span>"; }
    h += "<br>" + data.label + ": <b>" + data.value[i] + "</b>";
    if (data.cls[i] !== null && data.unit) { h += " <span style='color:#555'>" + data.unit + "</span>"; }
    if (data.rr[i] !== null) {
      h += "<br>Rank in " + data.regionLabel + ": " + count(data.rr[i]) + " of " + count(data.nRegion) +
           " <span style='color:#555'>(" + data.rankHint + ")</span>";
    }
    if (data.re && data.re[i] !== null && data.regionLabel !== "England") {  // in England the regional rank is this one
      h += "<br>Rank in England: " + count(data.re[i]) + " of " + count(data.nEngland);
    }
    if (data.dec[i] !== null) {
      h += "<br>National decile: " + data.dec[i] + " <span style='color:#555'>(" + data.decileHint + ")</span>";
    }
    if (data.note[i]) { h += "<br><i>" + data.notes[data.note[i]] + "</i>"; }
    if (data.versus) { h += versusRows(data, i); }
    h += "<div style='color:#555;font-size:11px;margin-top:3px'>" + data.source +
         (data.versus ? "<br>" + data.versus.source : "") + "</div></div>";
    return h;
  }

  // A bivariate map's second measure and the area's cell (mapkit.web.bivariate.versus_arrays); cls is the cell.
  function versusRows(data, i) {
    var v = data.versus, h = "<br>" + v.label + ": <b>" + v.value[i] + "</b>";
    if (v.rr[i] !== null) {
      if (v.unit) { h += " <span style='color:#555'>" + v.unit + "</span>"; }
      h += "<br>Rank in " + data.regionLabel + ": " + count(v.rr[i]) + " of " + count(v.nRegion) +
           " <span style='color:#555'>(" + v.rankHint + ")</span>";
    }
    h += "<br>Cell: " + (data.cls[i] === null ? "none (a figure is missing)" :
                         "<b>" + v.cells[data.cls[i]] + "</b> (" + v.codes[data.cls[i]] + ")");
    return h;
  }

  function project(shape, crs) {  // vertices in the CRS's pixel space at scale 1 (zoom z: times crs.scale(z))
    if (crs === L.CRS.EPSG3857) { return G.projectMercator(shape, L.Projection.SphericalMercator.MAX_LATITUDE); }
    var t = crs.scale(0);
    return G.projectWith(shape, function (lat, lng) {
      var q = crs.latLngToPoint(L.latLng(lat, lng), 0);
      return [q.x / t, q.y / t];
    });
  }

  // Geometry fetched from a file (mapkit.web.geometry_files), decoded and projected once per page, keyed by its
  // content hash: a layer of the same areas with other colours (an indicator change) reuses it at once.
  var loaded = {};  // version -> Promise of an entry

  function entryOf(geom) { return {geom: geom, shape: G.decode(geom), crs: null, proj: null, grid: null}; }

  function load(ref) {
    if (!loaded[ref.version]) {
      loaded[ref.version] = fetch(ref.url, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status + " for " + ref.url); }
        return response.json();
      }).then(entryOf);
      loaded[ref.version].catch(function () { delete loaded[ref.version]; });  // a reload may fetch it again
    }
    return loaded[ref.version];
  }

  var AreaCanvas = L.Canvas.extend({
    initialize: function (geom, data, opts) {
      var self = this;
      L.Canvas.prototype.initialize.call(this, {padding: 0.1, pane: opts.pane, attribution: opts.attribution,
                                               interactive: opts.interactive});
      this._data = data; this._opts = opts;
      this.mapkitAreas = geom.url ? geom.n : geom.codes.length;
      if (geom.url) {
        this.ready = load(geom).then(function (entry) { self._use(entry); return self; },
                                     function (error) { self._failed(error); throw error; });
        this.ready.catch(function () { return null; });  // reported on the map by _failed
      } else {
        this._use(entryOf(geom));
        this.ready = Promise.resolve(this);
      }
    },
    _use: function (entry) {
      this._entry = entry; this._geom = entry.geom; this._shape = entry.shape;
      if (this._map) { this._prepare(); this._updatePaths(); }
    },
    _failed: function (error) {
      this._error = "The areas of this map could not be loaded (" + error.message + "): reload the page.";
      if (this._map) { this._showError(); }
      if (window.console) { window.console.error(error); }
    },
    _showError: function () {
      var control = L.control({position: "topleft"}), text = this._error;
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "mapkit-error leaflet-bar");
        div.style.cssText = "background:#fff;padding:6px 8px;max-width:260px;color:#842029";
        div.textContent = text;
        return div;
      };
      this._errorControl = control.addTo(this._map);
    },
    _prepare: function () {  // projected vertices for this map's CRS, shared through the entry
      var entry = this._entry, map = this._map;
      if (entry.crs !== map.options.crs) {
        entry.crs = map.options.crs; entry.proj = project(entry.shape, entry.crs); entry.grid = null;
      }
      this._crs = entry.crs; this._proj = entry.proj;
      if (this._data && this._data.selected !== null && !this._selected) {
        this._selected = outline(this._shape, this._data.selected, 3.5).addTo(map);
      }
    },
    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) { map.createPane(this.options.pane).style.zIndex = this._opts.zIndex; }
      L.Renderer.prototype.onAdd.call(this, map);  // not L.Canvas's, which draws at once
      if (this._entry) { this._prepare(); }
      if (this._error) { this._showError(); }
      this._updatePaths();
    },
    onRemove: function (map) {
      this._hover(null, null);
      if (this._selected) { map.removeLayer(this._selected); this._selected = null; }
      if (this._errorControl) { this._errorControl.remove(); this._errorControl = null; }
      L.Canvas.prototype.onRemove.call(this, map);
    },
    getEvents: function () {
      var events = L.Canvas.prototype.getEvents.call(this);
      if (this._opts.interactive) {
        events.mousemove = this._onMapMove; events.click = this._onMapClick; events.mouseout = this._onMapOut;
        events.tooltipopen = events.popupopen = this._onOtherOverlay;  // e.g. a marker's: drop the area's
      }
      return events;
    },
    _initContainer: function () {  // no DOM listeners: the mouse reaches the map through this canvas
      var container = this._container = document.createElement("canvas");
      container.style.pointerEvents = "none";
      this._ctx = container.getContext("2d");
    },
    _destroyContainer: function () {
      L.Util.cancelAnimFrame(this._redrawRequest);
      delete this._ctx; L.DomUtil.remove(this._container); delete this._container;
    },
    _updatePaths: function () {
      // The first draw waits for the end of the script that added the layer (a microtask): its legend is then in
      // place and the map fitted around it, so England's areas are drawn once, not once per fit.
      var self = this;
      if (this._postponeUpdatePaths) { return; }
      if (this._settled) { this._redraw(); return; }
      if (!this._pending) {
        this._pending = true;
        Promise.resolve().then(function () {
          self._pending = false; self._settled = true;
          if (self._map) { self._redraw(); }
        });
      }
    },
    _fill: function (i) {
      var d = this._data;
      return d ? (d.cls[i] === null ? d.noData.fill : d.colours[d.cls[i]]) : null;
    },
    _draw: function () {  // each area as one path, filled and outlined, like Leaflet's canvas but far fewer calls
      var map = this._map, ctx = this._ctx;
      if (!map || !ctx || !this._proj) { return; }
      var st = this._opts.style, data = this._data, shape = this._shape, P = this._proj,
          s = this._crs.scale(map.getZoom()), o = map.getPixelOrigin(), ox = o.x, oy = o.y, b = this._bounds,
          x0 = (b.min.x + ox) / s, y0 = (b.min.y + oy) / s, x1 = (b.max.x + ox) / s, y1 = (b.max.y + oy) / s,
          fill = st.fill !== false, stroke = st.stroke !== false, missing, current = null,
          fillOpacity = st.fillOpacity === undefined ? 0.2 : st.fillOpacity,
          opacity = st.opacity === undefined ? 1 : st.opacity,
          dash = data && data.noData.dash ? String(data.noData.dash).split(/[ ,]+/).map(Number) : [],
          a, r, j, r0, r1, px, py, lx, ly, colour;
      ctx.lineJoin = "round"; ctx.strokeStyle = st.color; ctx.lineWidth = st.weight;
      for (a = 0; a < this.mapkitAreas; a++) {
        if (P.box[4 * a] > x1 || P.box[4 * a + 2] < x0 || P.box[4 * a + 1] > y1 || P.box[4 * a + 3] < y0) { continue; }
        ctx.beginPath();
        for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
          r0 = shape.ringStart[r]; r1 = shape.ringStart[r + 1];
          if (r1 - r0 < 3) { continue; }
          lx = s * P.x[r0] - ox; ly = s * P.y[r0] - oy;
          ctx.moveTo(lx, ly);
          for (j = r0 + 1; j < r1; j++) {
            px = s * P.x[j] - ox; py = s * P.y[j] - oy;
            if (j < r1 - 1 && Math.abs(px - lx) + Math.abs(py - ly) < MIN_STEP) { continue; }
            ctx.lineTo(px, py); lx = px; ly = py;
          }
          ctx.closePath();
        }
        missing = data && data.cls[a] === null;
        if (fill) {
          colour = missing ? data.noData.fill : (data ? data.colours[data.cls[a]] : (st.fillColor || st.color));
          if (colour !== current) { ctx.fillStyle = current = colour; }
          ctx.globalAlpha = fillOpacity; ctx.fill("evenodd");
        }
        if (stroke) {
          ctx.globalAlpha = opacity;
          if (missing) {
            ctx.strokeStyle = data.noData.outline; ctx.lineWidth = 0.8; ctx.setLineDash(dash); ctx.stroke();
            ctx.strokeStyle = st.color; ctx.lineWidth = st.weight; ctx.setLineDash([]);
          } else { ctx.stroke(); }
        }
      }
      ctx.globalAlpha = 1;
      this.mapkitDrawnAt = performance.timeOrigin + performance.now();  // when last drawn, ms since epoch (benchmarks)
    },
    areaAt: function (latlng) {  // index of the area under a point, or -1
      if (!this._map || !this._proj) { return -1; }
      var q = this._crs.latLngToPoint(latlng, 0), t = this._crs.scale(0), entry = this._entry;
      entry.grid = entry.grid || G.gridIndex(this._proj.box);  // built on the first hover
      return G.areaAt(entry.grid, this._shape, this._proj, q.x / t, q.y / t);
    },
    area: function (i) {  // a stand-in layer for one area, as event target (streamlit-folium reads toGeoJSON)
      var code = this._geom.codes[i], feature = {type: "Feature", id: i, properties: {code: code}, geometry: null};
      return {feature: feature, toGeoJSON: function () { return feature; }};
    },
    mapkitList: function () {  // [code, fill colour] of every area, as drawn (for tests and tools); [] until loaded
      var out = [];
      if (!this._geom) { return out; }
      for (var i = 0; i < this.mapkitAreas; i++) { out.push([this._geom.codes[i], this._fill(i)]); }
      return out;
    },
    _hover: function (i, latlng) {
      var map = this._map;
      if (i !== this._hovered) {
        if (this._highlight) { this._highlight.remove(); this._highlight = null; }
        this._hovered = i;
        if (i !== null && map) {
          this._highlight = outline(this._shape, i, 3).addTo(map);
          if (this._data) {
            this._tip = this._tip || L.tooltip({sticky: true, opacity: 0.96});
            this._tip.setContent(tooltip(this._geom, this._data, i));
          }
        }
        if (map) { map.getContainer().style.cursor = i === null ? "" : "pointer"; }
      }
      if (this._tip) {
        if (i === null || !map) { this._tip.remove(); }
        else { this._tip.setLatLng(latlng); if (!this._tip._map) { this._tip.openOn(map); } }
      }
    },
    _onMapMove: function (e) {
      var map = this._map;
      if (!map || (map.dragging && map.dragging.moving()) || map._animatingZoom) { return; }
      var i = covered(map, e.latlng) ? -1 : this.areaAt(e.latlng);
      this._hover(i < 0 ? null : i, e.latlng);
    },
    _onMapOut: function () { this._hover(null, null); },
    _onOtherOverlay: function (e) { if (e.tooltip !== this._tip) { this._hover(null, null); } },
    _onMapClick: function (e) {
      var i = covered(this._map, e.latlng) ? -1 : this.areaAt(e.latlng);
      if (i < 0) { return; }
      var target = this.area(i);
      this.fire("click", {latlng: e.latlng, layerPoint: e.layerPoint, containerPoint: e.containerPoint,
                          originalEvent: e.originalEvent, layer: target, sourceTarget: target}, true);
    },
    // The interface keyboard.js steps through (mapkit.keyboard): describe, show and select an area by index.
    _box: function (i) { return L.latLngBounds(latLngs(this._shape, i).flat(2)); },
    describe: function (i) {
      var d = this._data;
      var g = this._geom || {names: [], parents: []};
      var v = d && d.versus;
      return {name: g.names[i], parent: g.parents[i], label: d ? d.label : "",
              value: d ? d.value[i] : "", unit: d && d.cls[i] !== null ? d.unit : "", rank: d ? d.rr[i] : null,
              of: d ? d.nRegion : null, region: d ? d.regionLabel : "",
              versus: v ? {label: v.label, value: v.value[i], unit: v.rr[i] !== null ? v.unit : "",
                           cell: d.cls[i] === null ? null : v.cells[d.cls[i]]} : null};
    },
    showArea: function (i) {
      var map = this._map, box;
      if (i === null || !map || !this._shape) { this._hover(null, null); return; }
      box = this._box(i);
      if (!map.getBounds().contains(box.getCenter())) { map.panTo(box.getCenter(), {animate: false}); }
      this._hover(i, box.getCenter());
    },
    selectArea: function (i) {
      if (!this._shape || !this._map) { return; }  // geometry still loading
      var latlng = this._box(i).getCenter(), target = this.area(i), map = this._map;
      this.fire("click", {latlng: latlng, layerPoint: map.latLngToLayerPoint(latlng),
                          containerPoint: map.latLngToContainerPoint(latlng), layer: target, sourceTarget: target},
                true);
    },
    selectedArea: function () { return this._data ? this._data.selected : null; }
  });

  /**
   * One layer for all areas of a view.
   * @param {object} geom  encoded areas: {scale, codes, names, parents, shapes} (mapkit.web.encode.encode_geometry),
   *   or where to fetch them: {url, version, n} (mapkit.web.geometry_files; kept by version for the page's life)
   * @param {object|null} data  per-area colours and tooltip arrays (mapkit.web.choropleth.choropleth_data), or null
   *   for outlines
   * @param {object} opts  (style: object, interactive: boolean, attribution: string, pane: string, zIndex: number)
   * @returns {L.Canvas}  with .ready, a Promise of the layer once its geometry is in (codes, names, shapes)
   */
  mapkit.areas = function (geom, data, opts) {
    var layer = new AreaCanvas(geom, data, opts);
    if (opts.interactive && data && mapkit.keyboard) { mapkit.keyboard.attach(layer, data.rr); }
    return layer;
  };
})(window.mapkit = window.mapkit || {});
