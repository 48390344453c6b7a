// A user's upload in the browser (mapkit/web/static/uploads.js): decoded with the areas' decoder, drawn in order,
// found under the mouse by kind, and its popup built from the escaped texts Python sends.
// The fixture is written by the Python encoder (tests/fixtures/upload_fixture.py).
import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import geometry from "../../mapkit/web/static/geometry.js";
import uploadsFactory from "../../mapkit/web/static/uploads.js";
import {nestedArea} from "./nested.mjs";

const uploads = uploadsFactory(geometry, null);
const fixture = JSON.parse(readFileSync(new URL("../fixtures/upload.json", import.meta.url), "utf8"));
const payload = fixture.payload;
const MAX_LATITUDE = 85.0511287798;

function indexed() {  // what the layer builds once: decoded, projected (Web Mercator at scale 1), gridded, ranked
  const shape = geometry.decode(payload), proj = geometry.projectMercator(shape, MAX_LATITUDE);
  const order = uploads.drawOrder(payload.kinds), rank = new Int32Array(order.length);
  order.forEach((a, k) => { rank[a] = k; });
  return {shape, kinds: payload.kinds, proj, grid: geometry.gridIndex(proj.box), rank};
}

function at(lng, lat) {  // a point in the same projected units
  const s = Math.sin(lat * Math.PI / 180);
  return [lng / 360 + 0.5, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
}

const PIXEL = 1 / 256 / 2 ** 12;  // one pixel at zoom 12, in units of the projected world
const TOLERANCE = {point: 9 * PIXEL, line: 4.5 * PIXEL, polygon: 3.5 * PIXEL};

test("every kind decodes with the areas' decoder to the encoder's vertices on the grid", () => {
  const shape = geometry.decode(payload);
  assert.equal(shape.areaStart.length - 1, fixture.expected.length);
  fixture.expected.forEach((parts, a) => assert.deepEqual(nestedArea(shape, a, payload.scale), parts, `feature ${a}`));
  assert.deepEqual(payload.kinds, ["polygon", "line", "point", "point", "point"]);
});

test("polygons are drawn first, then lines, then points, each in file order", () => {
  assert.deepEqual(uploads.drawOrder(payload.kinds), [0, 1, 2, 3, 4]);
  assert.deepEqual(uploads.drawOrder(["point", "polygon", "line", "point", "polygon"]), [1, 4, 2, 0, 3]);
});

test("the feature under the mouse is the one drawn on top, found by kind", () => {
  const index = indexed();
  const find = (lng, lat) => uploads.featureAt(index, ...at(lng, lat), TOLERANCE);
  assert.equal(find(-1.89, 52.41), 0, "inside the polygon");
  assert.equal(find(-1.85, 52.45), -1, "in the polygon's hole");
  assert.equal(find(-1.885, 52.45), 4, "a point drawn over the polygon");
  assert.equal(find(-1.9, 52.3), 1, "on the line");
  assert.equal(find(-1.9, 52.302), -1, "beside the line, beyond its width");
  assert.equal(find(-1.69, 52.61), 2, "the second point of the MultiPoint");
  assert.equal(find(-1.69 + 6 * 360 * PIXEL, 52.61), 2, "within the circle's radius");
  assert.equal(find(-1.69 + 12 * 360 * PIXEL, 52.61), -1, "beyond it");
  assert.equal(find(-1.6, 52.45), 3);
  assert.equal(find(-1.0, 52.0), -1, "far from everything");
});

test("the popup shows the name and fields as Python escaped them, and says where they come from", () => {
  const html = uploads.popupHtml(payload, 0);
  assert.ok(html.includes("<div style='font-weight:bold;margin-bottom:4px'>Park &lt;b&gt;&amp;amp;&lt;/b&gt;</div>"));
  assert.ok(html.includes(">owner</th><td style='padding:1px 0'>&#96;&#36;{alert(1)}&#96;</td>"));
  assert.ok(html.includes("From your upload; not checked by this site."));
  assert.ok(!/<script|<b>|`|\$\{/.test(html));
  assert.equal(payload.names[1], "Route evil", "a right-to-left override is dropped in Python");
  assert.ok(uploads.popupHtml(payload, 3).includes("<table style='border-collapse:collapse'></table>"));
});
