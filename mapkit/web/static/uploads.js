/*
 * mapkit uploads: a user's own layer (the points, lines and polygons of their file) as one Leaflet layer on one
 * canvas (window.mapkit.uploads.layer), with the feature's name on hover and its fields on click. Needs Leaflet and
 * geometry.js (window.mapkit.geometry). Python: mapkit.web.upload_layer.UploadLayer.
 *
 * The upload is encoded like the areas (mapkit.web.encode.encode_features), decoded, projected and indexed once,
 * and when it comes from its content-hashed file (mapkit.web.geometry_files) it is kept by version for the page's
 * life: a rerun of the app adds the layer again from a reference, without sending or decoding its shapes. The pure
 * parts (draw order, hit test, popup) are a CommonJS module for the tests (tests/js/uploads.test.mjs).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory;  // node: the tests call it with geometry.js and no Leaflet
  } else {
    root.mapkit = root.mapkit || {};
    if (!root.mapkit.uploads) { root.mapkit.uploads = factory(root.mapkit.geometry, root.L); }
  }
})(typeof self !== "undefined" ? self : this, function (G, L) {
  "use strict";
  var ORDER = {polygon: 0, line: 1, point: 2};  // drawn in this order: points on top of lines on top of polygons
  var MIN_STEP = 0.6;  // pixels (x + y): closer vertices of a line or ring are skipped while drawing
  var NOTE = "From your upload; not checked by this site.";

  /**
   * Feature indices in drawing order: polygons, then lines, then points, each in file order.
   * @param {string[]} kinds  "point", "line" or "polygon" per feature
   * @returns {number[]}
   */
  function drawOrder(kinds) {
    var order = [], i;
    for (i = 0; i < kinds.length; i++) { order.push(i); }
    return order.sort(function (a, b) { return (ORDER[kinds[a]] - ORDER[kinds[b]]) || (a - b); });
  }

  /**
   * The popup of feature i: its name, a table of its fields and where it comes from.
   * @param {object} geom  (names: string[], details: string[][][])  every text arrives escaped from Python
   * @param {number} i
   * @returns {string}  HTML
   */
  function popupHtml(geom, i) {
    var rows = "", fields = geom.details[i] || [], k;
    for (k = 0; k < fields.length; k++) {
      rows += "<tr><th style='text-align:left;vertical-align:top;padding:1px 8px 1px 0;white-space:nowrap'>" +
              fields[k][0] + "</th><td style='padding:1px 0'>" + fields[k][1] + "</td></tr>";
    }
    return "<div class='mapkit-upload-popup' style='font:13px/1.35 sans-serif;max-width:340px'>" +
           "<div style='font-weight:bold;margin-bottom:4px'>" + geom.names[i] + "</div>" +
           "<table style='border-collapse:collapse'>" + rows + "</table>" +
           "<div style='color:#555;margin-top:4px'>" + NOTE + "</div></div>";
  }

  function segment2(px, py, ax, ay, bx, by) {  // squared distance from a point to a segment
    var dx = bx - ax, dy = by - ay, length = dx * dx + dy * dy,
        t = length > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length)) : 0,
        qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
  }

  /**
   * Whether feature a lies within tol of (x, y): a point's vertex, a line's segments, a polygon's inside or edge.
   * @param {object} shape  from geometry.decode
   * @param {string} kind
   * @param {object} proj  (x: Float64Array, y: Float64Array)  projected vertices
   * @param {number} a  feature index
   * @param {number} x  the point, projected the same way
   * @param {number} y
   * @param {number} tol  in the same units
   * @returns {boolean}
   */
  function near(shape, kind, proj, a, x, y, tol) {
    var X = proj.x, Y = proj.y, t2 = tol * tol, r, j, r0, r1;
    if (kind === "polygon" && G.insideArea(shape, proj, a, x, y)) { return true; }
    for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
      r0 = shape.ringStart[r]; r1 = shape.ringStart[r + 1];
      if (kind === "point" || r1 - r0 === 1) {
        for (j = r0; j < r1; j++) {
          if ((X[j] - x) * (X[j] - x) + (Y[j] - y) * (Y[j] - y) <= t2) { return true; }
        }
        continue;
      }
      for (j = r0 + 1; j < r1; j++) {
        if (segment2(x, y, X[j - 1], Y[j - 1], X[j], Y[j]) <= t2) { return true; }
      }
      if (kind === "polygon" && segment2(x, y, X[r1 - 1], Y[r1 - 1], X[r0], Y[r0]) <= t2) { return true; }
    }
    return false;
  }

  /**
   * The feature drawn on top at (x, y), or -1.
   * @param {object} index  (shape, kinds, proj, grid, rank)  rank[a]: feature a's place in the drawing order
   * @param {number} x  the point, projected
   * @param {number} y
   * @param {object} tol  (point, line, polygon: number)  how near counts, per kind, in projected units
   * @returns {number}
   */
  function featureAt(index, x, y, tol) {
    var grid = index.grid, B = index.proj.box, reach = Math.max(tol.point, tol.line, tol.polygon),
        best = -1, seen = {}, i, j, c, a, list, kind;
    var i0 = Math.max(0, Math.floor((x - reach - grid.minX) / grid.w)),
        i1 = Math.min(grid.size - 1, Math.floor((x + reach - grid.minX) / grid.w)),
        j0 = Math.max(0, Math.floor((y - reach - grid.minY) / grid.h)),
        j1 = Math.min(grid.size - 1, Math.floor((y + reach - grid.minY) / grid.h));
    for (j = j0; j <= j1; j++) {
      for (i = i0; i <= i1; i++) {
        list = grid.cells[j * grid.size + i];
        for (c = 0; c < list.length; c++) {
          a = list[c];
          if (seen[a] || (best >= 0 && index.rank[a] < index.rank[best])) { continue; }
          seen[a] = true;
          kind = index.kinds[a];
          if (x < B[4 * a] - tol[kind] || x > B[4 * a + 2] + tol[kind] || y < B[4 * a + 1] - tol[kind] ||
              y > B[4 * a + 3] + tol[kind]) { continue; }
          if (near(index.shape, kind, index.proj, a, x, y, tol[kind])) { best = a; }
        }
      }
    }
    return best;
  }

  var api = {drawOrder: drawOrder, popupHtml: popupHtml, near: near, featureAt: featureAt};
  if (!L) { return api; }

  function project(shape, crs) {  // vertices in the CRS's pixel space at scale 1, as areas.js
    if (crs === L.CRS.EPSG3857) { return G.projectMercator(shape, L.Projection.SphericalMercator.MAX_LATITUDE); }
    var t = crs.scale(0);
    return G.projectWith(shape, function (lat, lng) {
      var q = crs.latLngToPoint(L.latLng(lat, lng), 0);
      return [q.x / t, q.y / t];
    });
  }

  // Uploads fetched from a file, decoded once per page and kept by content hash (as areas.js keeps areas).
  var loaded = {};

  function entryOf(geom) {
    var order = drawOrder(geom.kinds), rank = new Int32Array(order.length), k;
    for (k = 0; k < order.length; k++) { rank[order[k]] = k; }
    return {geom: geom, shape: G.decode(geom), order: order, rank: rank, crs: null, proj: null, grid: null};
  }

  function load(ref) {
    if (!loaded[ref.version]) {
      loaded[ref.version] = fetch(ref.url, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status + " for " + ref.url); }
        return response.json();
      }).then(entryOf);
      loaded[ref.version].catch(function () { delete loaded[ref.version]; });
    }
    return loaded[ref.version];
  }

  var UploadCanvas = L.Canvas.extend({
    initialize: function (geom, opts) {
      var self = this;
      L.Canvas.prototype.initialize.call(this, {padding: 0.1, pane: opts.pane});
      this._opts = opts;
      this.mapkitFeatures = geom.url ? geom.n : geom.kinds.length;
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
      this._entry = entry;
      if (this._map) { this._prepare(); this._redraw(); }
    },
    _failed: function (error) {
      this._error = "Your layer could not be loaded (" + error.message + "): reload the page.";
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
    _prepare: function () {  // projected vertices and their grid for this map's CRS, shared through the entry
      var entry = this._entry, crs = this._map.options.crs;
      if (entry.crs !== crs) { entry.crs = crs; entry.proj = project(entry.shape, crs); entry.grid = null; }
    },
    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) { map.createPane(this.options.pane).style.zIndex = this._opts.zIndex; }
      (map.mapkitUploads = map.mapkitUploads || []).push(this);
      if (this._entry) { this._prepare(); }
      if (this._error) { this._showError(); }
      L.Canvas.prototype.onAdd.call(this, map);
    },
    onRemove: function (map) {
      this._hover(null, null);
      map.mapkitUploads = (map.mapkitUploads || []).filter(function (layer) { return layer !== this; }, this);
      if (this._errorControl) { this._errorControl.remove(); this._errorControl = null; }
      L.Canvas.prototype.onRemove.call(this, map);
    },
    getEvents: function () {
      var events = L.Canvas.prototype.getEvents.call(this);
      events.mousemove = this._onMapMove; events.click = this._onMapClick; events.mouseout = this._onMapOut;
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
    _updatePaths: function () { if (!this._postponeUpdatePaths) { this._redraw(); } },
    _draw: function () {
      var map = this._map, ctx = this._ctx, entry = this._entry;
      if (!map || !ctx || !entry || !entry.proj) { return; }
      var st = this._opts.style, shape = entry.shape, P = entry.proj, kinds = entry.geom.kinds,
          s = entry.crs.scale(map.getZoom()), o = map.getPixelOrigin(), ox = o.x, oy = o.y, b = this._bounds,
          pad = (st.pointRadius + st.pointWeight) / s, R = st.pointRadius,
          x0 = (b.min.x + ox) / s - pad, y0 = (b.min.y + oy) / s - pad,
          x1 = (b.max.x + ox) / s + pad, y1 = (b.max.y + oy) / s + pad,
          k, a, r, j, r0, r1, px, py, lx, ly, kind;
      ctx.lineJoin = "round"; ctx.lineCap = "round";
      for (k = 0; k < entry.order.length; k++) {
        a = entry.order[k]; kind = kinds[a];
        if (P.box[4 * a] > x1 || P.box[4 * a + 2] < x0 || P.box[4 * a + 1] > y1 || P.box[4 * a + 3] < y0) { continue; }
        ctx.beginPath();
        for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
          r0 = shape.ringStart[r]; r1 = shape.ringStart[r + 1];
          if (kind === "point") {
            for (j = r0; j < r1; j++) {
              px = s * P.x[j] - ox; py = s * P.y[j] - oy;
              ctx.moveTo(px + R, py); ctx.arc(px, py, R, 0, 2 * Math.PI);
            }
            continue;
          }
          lx = s * P.x[r0] - ox; ly = s * P.y[r0] - oy;
          ctx.moveTo(lx, ly);
          for (j = r0 + 1; j < r1; j++) {
            px = s * P.x[j] - ox; py = s * P.y[j] - oy;
            if (j < r1 - 1 && Math.abs(px - lx) + Math.abs(py - ly) < MIN_STEP) { continue; }
            ctx.lineTo(px, py); lx = px; ly = py;
          }
          if (kind === "polygon") { ctx.closePath(); }
        }
        if (kind !== "line") {
          ctx.globalAlpha = kind === "point" ? st.pointFillOpacity : st.fillOpacity;
          ctx.fillStyle = st.fillColor; ctx.fill("evenodd");
        }
        ctx.globalAlpha = 1; ctx.strokeStyle = st.color;
        ctx.lineWidth = kind === "point" ? st.pointWeight : st.weight;
        ctx.stroke();
      }
      this.mapkitDrawnAt = performance.timeOrigin + performance.now();  // when last drawn (benchmarks)
    },
    featureAt: function (latlng) {  // index of the feature drawn on top at a point, or -1
      var entry = this._entry, map = this._map, st = this._opts.style;
      if (!map || !entry || !entry.proj || !this.mapkitFeatures) { return -1; }
      var crs = entry.crs, t = crs.scale(0), q = crs.latLngToPoint(latlng, 0), s = crs.scale(map.getZoom());
      entry.grid = entry.grid || G.gridIndex(entry.proj.box);  // built on the first hover
      return featureAt({shape: entry.shape, kinds: entry.geom.kinds, proj: entry.proj, grid: entry.grid,
                        rank: entry.rank}, q.x / t, q.y / t,
                       {point: (st.pointRadius + st.pointWeight / 2 + 2) / s, line: (st.weight / 2 + 3) / s,
                        polygon: (st.weight / 2 + 2) / s});
    },
    mapkitUploadList: function () {  // [name, kind, parts] of every feature (for tests and tools); [] until loaded
      var entry = this._entry, out = [], i, r, parts;
      for (i = 0; entry && i < entry.geom.kinds.length; i++) {
        for (parts = 0, r = entry.shape.areaStart[i]; r < entry.shape.areaStart[i + 1]; r++) {
          parts += entry.shape.firstOfPart[r];
        }
        out.push([entry.geom.names[i], entry.geom.kinds[i], parts]);
      }
      return out;
    },
    _hover: function (i, latlng) {
      var map = this._map;
      if (i !== this._hovered) {
        this._hovered = i;
        if (i !== null && map) {
          this._tip = this._tip || L.tooltip({sticky: true, opacity: 0.96});
          this._tip.setContent(this._entry.geom.names[i]);
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
      var i = this.featureAt(e.latlng);
      this._hover(i < 0 ? null : i, e.latlng);
    },
    _onMapOut: function () { this._hover(null, null); },
    _onMapClick: function (e) {
      var i = this.featureAt(e.latlng);
      if (i < 0) { return; }
      this._hover(null, null);
      L.popup({maxWidth: 360}).setLatLng(e.latlng).setContent(popupHtml(this._entry.geom, i)).openOn(this._map);
    }
  });

  /**
   * A user's uploaded layer.
   * @param {object} geom  the encoded upload: {scale, kinds, names, details, shapes}
   *   (mapkit.web.upload_layer.encode_upload), or where to fetch it: {url, version, n}
   * @param {object} opts  (style: object, pane: string, zIndex: number)
   * @returns {L.Canvas}  with .ready, a Promise of the layer once its shapes are in
   */
  api.layer = function (geom, opts) { return new UploadCanvas(geom, opts); };

  /**
   * Whether an upload on this map has a feature at this point: the areas below then leave the mouse to it.
   * @param {L.Map} map
   * @param {L.LatLng} latlng
   * @returns {boolean}
   */
  api.coveredAt = function (map, latlng) {
    var layers = map.mapkitUploads || [], k;
    for (k = 0; k < layers.length; k++) { if (layers[k].featureAt(latlng) >= 0) { return true; } }
    return false;
  };
  return api;
});
