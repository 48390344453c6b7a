/*
 * mapkit geometry: decode the areas Python encodes (mapkit.web.encode.encode_shapes), project them, and find the
 * area under a point. Pure functions, no Leaflet: loaded as a classic script in the page (window.mapkit.geometry)
 * and as a CommonJS module by the tests (tests/js/).
 *
 * Format: per area, polygons of rings of text; each ring is its vertices without the closing one, as zig-zag
 * varints (5 bits per character, the 6th bit says more follows) in a 64-letter alphabet, x then y, in integers
 * of 1 / scale degree, each a delta from the previous vertex of the same area (the first from 0).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.mapkit = root.mapkit || {};
    root.mapkit.geometry = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var LOOKUP = new Int16Array(128);
  for (var letter = 0; letter < 64; letter++) { LOOKUP[ALPHABET.charCodeAt(letter)] = letter; }

  /**
   * Decode every vertex of every area.
   * @param {object} geom  (scale: number, shapes: string[][][])  the encoded areas ([area][polygon][ring] -> text)
   * @returns {object}  lng, lat (Float64Array, degrees), ringStart, areaStart (Int32Array), firstOfPart
   *   (Uint8Array): ring r holds vertices ringStart[r] to ringStart[r + 1] - 1,
   *            area a rings areaStart[a] to areaStart[a + 1] - 1, and firstOfPart[r] marks a polygon's outer ring
   */
  function decode(geom) {
    var total = 0, f, p, r, i, text, code, value, mult, axis, x, y, n = 0, scale = geom.scale;
    for (f = 0; f < geom.shapes.length; f++) {
      for (p = 0; p < geom.shapes[f].length; p++) {
        for (r = 0; r < geom.shapes[f][p].length; r++) { total += geom.shapes[f][p][r].length; }
      }
    }
    var lng = new Float64Array(total >> 1), lat = new Float64Array(total >> 1), ringStart = [0], areaStart = [0],
        firstOfPart = [];
    for (f = 0; f < geom.shapes.length; f++) {
      x = 0; y = 0;
      for (p = 0; p < geom.shapes[f].length; p++) {
        for (r = 0; r < geom.shapes[f][p].length; r++) {
          text = geom.shapes[f][p][r]; value = 0; mult = 1; axis = 0; firstOfPart.push(r === 0 ? 1 : 0);
          for (i = 0; i < text.length; i++) {
            code = LOOKUP[text.charCodeAt(i)];
            value += (code & 31) * mult;
            if (code & 32) { mult *= 32; continue; }
            if (axis === 0) { x += (value % 2) ? -(value + 1) / 2 : value / 2; }
            else { y += (value % 2) ? -(value + 1) / 2 : value / 2; lng[n] = x / scale; lat[n] = y / scale; n++; }
            axis = 1 - axis; value = 0; mult = 1;
          }
          ringStart.push(n);
        }
      }
      areaStart.push(ringStart.length - 1);
    }
    return {lng: lng.subarray(0, n), lat: lat.subarray(0, n), ringStart: Int32Array.from(ringStart),
            areaStart: Int32Array.from(areaStart), firstOfPart: Uint8Array.from(firstOfPart)};
  }

  /**
   * Bounding box of each area: [minX, minY, maxX, maxY] at 4a.
   * @param {object} shape  from decode
   * @param {Float64Array} x  projected vertices
   * @param {Float64Array} y
   * @returns {Float64Array}
   */
  function boxes(shape, x, y) {
    var areas = shape.areaStart.length - 1, box = new Float64Array(areas * 4), a, j, r0, r1;
    for (a = 0; a < areas; a++) {
      r0 = shape.ringStart[shape.areaStart[a]]; r1 = shape.ringStart[shape.areaStart[a + 1]];
      box[4 * a] = box[4 * a + 1] = Infinity; box[4 * a + 2] = box[4 * a + 3] = -Infinity;
      for (j = r0; j < r1; j++) {
        if (x[j] < box[4 * a]) { box[4 * a] = x[j]; }
        if (x[j] > box[4 * a + 2]) { box[4 * a + 2] = x[j]; }
        if (y[j] < box[4 * a + 1]) { box[4 * a + 1] = y[j]; }
        if (y[j] > box[4 * a + 3]) { box[4 * a + 3] = y[j]; }
      }
    }
    return box;
  }

  /**
   * Web Mercator (EPSG:3857) pixel space at scale 1, as Leaflet's SphericalMercator and its transformation:
   * x from 0 (180 W) to 1 (180 E), y from 0 (north) to 1 (south). At zoom z multiply by the CRS's scale(z).
   * @param {object} shape  from decode
   * @param {number} maxLatitude  latitudes are clamped to +-maxLatitude (Leaflet: 85.0511287798)
   * @returns {object}  (x: Float64Array, y: Float64Array, box: Float64Array)
   */
  function projectMercator(shape, maxLatitude) {
    var n = shape.lng.length, x = new Float64Array(n), y = new Float64Array(n), i, s;
    for (i = 0; i < n; i++) {
      s = Math.sin(Math.max(Math.min(maxLatitude, shape.lat[i]), -maxLatitude) * Math.PI / 180);
      x[i] = shape.lng[i] / 360 + 0.5;
      y[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    return {x: x, y: y, box: boxes(shape, x, y)};
  }

  /**
   * Any projection, one vertex at a time.
   * @param {object} shape  from decode
   * @param {function(number, number): number[]} toPoint  (lat, lng) -> [x, y]
   * @returns {object}  (x: Float64Array, y: Float64Array, box: Float64Array)
   */
  function projectWith(shape, toPoint) {
    var n = shape.lng.length, x = new Float64Array(n), y = new Float64Array(n), i, q;
    for (i = 0; i < n; i++) { q = toPoint(shape.lat[i], shape.lng[i]); x[i] = q[0]; y[i] = q[1]; }
    return {x: x, y: y, box: boxes(shape, x, y)};
  }

  /**
   * A grid of area indices by bounding box, so that a point is tested against few areas.
   * @param {Float64Array} box  from boxes (4 numbers per area)
   * @returns {object}  (size: number, minX: number, minY: number, w: number, h: number, cells: number[][])
   */
  function gridIndex(box) {
    var n = box.length / 4, size = Math.max(8, Math.min(256, Math.ceil(Math.sqrt(n) * 2))),
        minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, a, i, j;
    for (a = 0; a < n; a++) {
      minX = Math.min(minX, box[4 * a]); minY = Math.min(minY, box[4 * a + 1]);
      maxX = Math.max(maxX, box[4 * a + 2]); maxY = Math.max(maxY, box[4 * a + 3]);
    }
    var grid = {size: size, minX: minX, minY: minY, w: (maxX - minX) / size || 1, h: (maxY - minY) / size || 1,
                cells: []};
    for (i = 0; i < size * size; i++) { grid.cells.push([]); }
    function cell(v, min, step) { return Math.max(0, Math.min(size - 1, Math.floor((v - min) / step))); }
    for (a = 0; a < n; a++) {
      for (i = cell(box[4 * a], minX, grid.w); i <= cell(box[4 * a + 2], minX, grid.w); i++) {
        for (j = cell(box[4 * a + 1], minY, grid.h); j <= cell(box[4 * a + 3], minY, grid.h); j++) {
          grid.cells[j * size + i].push(a);
        }
      }
    }
    return grid;
  }

  /**
   * Whether a point lies inside an area (even-odd rule over all its rings, so holes are outside).
   * @param {object} shape  from decode
   * @param {object} proj  (x: Float64Array, y: Float64Array)  projected vertices
   * @param {number} a  area index
   * @param {number} x  the point, projected the same way
   * @param {number} y
   * @returns {boolean}
   */
  function insideArea(shape, proj, a, x, y) {
    var inside = false, r, k, m, X = proj.x, Y = proj.y;
    for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
      for (k = shape.ringStart[r], m = shape.ringStart[r + 1] - 1; k < shape.ringStart[r + 1]; m = k++) {
        if ((Y[k] > y) !== (Y[m] > y) && x < (X[m] - X[k]) * (y - Y[k]) / (Y[m] - Y[k]) + X[k]) { inside = !inside; }
      }
    }
    return inside;
  }

  /**
   * Index of the area under a point, or -1.
   * @param {object} grid  from gridIndex
   * @param {object} shape  from decode
   * @param {object} proj  (x: Float64Array, y: Float64Array, box: Float64Array)  projected vertices and boxes
   * @param {number} x  the point, projected the same way
   * @param {number} y
   * @returns {number}
   */
  function areaAt(grid, shape, proj, x, y) {
    var i = Math.floor((x - grid.minX) / grid.w), j = Math.floor((y - grid.minY) / grid.h), list, a, c, B = proj.box;
    if (i < 0 || j < 0 || i >= grid.size || j >= grid.size) { return -1; }
    list = grid.cells[j * grid.size + i];
    for (c = 0; c < list.length; c++) {
      a = list[c];
      if (x < B[4 * a] || x > B[4 * a + 2] || y < B[4 * a + 1] || y > B[4 * a + 3]) { continue; }
      if (insideArea(shape, proj, a, x, y)) { return a; }
    }
    return -1;
  }

  return {ALPHABET: ALPHABET, decode: decode, boxes: boxes, projectMercator: projectMercator,
          projectWith: projectWith, gridIndex: gridIndex, insideArea: insideArea, areaAt: areaAt};
});
