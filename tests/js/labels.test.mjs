// Place labels on a hex map (mapkit/web/static/labels.js): which labels stay when they would overlap.
import {test} from "node:test";
import assert from "node:assert/strict";
import labels from "../../mapkit/web/static/labels.js";

const box = (left, top, width = 40, height = 12) => ({left, top, right: left + width, bottom: top + height});

test("labels apart from each other are all shown", () => {
  assert.deepEqual(labels.keepApart([box(0, 0), box(100, 0), box(0, 100)]), [true, true, true]);
});

test("a label overlapping an earlier (larger) place is hidden, whatever comes after it", () => {
  // Leeds first, Bradford beside it overlapping, then Sheffield apart, then one overlapping the hidden Bradford only
  assert.deepEqual(labels.keepApart([box(50, 50), box(70, 55), box(50, 200), box(105, 60)]),
                   [true, false, true, true]);
});

test("labels closer than the gap count as overlapping; labels not laid out are never shown", () => {
  assert.deepEqual(labels.keepApart([box(0, 0), box(41, 0)]), [true, false]);
  assert.deepEqual(labels.keepApart([box(0, 0), box(43, 0)]), [true, true]);
  assert.deepEqual(labels.keepApart([null, box(0, 0)]), [false, true]);
  assert.deepEqual(labels.keepApart([]), []);
});
