// Stepping through the areas by keyboard (mapkit/web/static/keyboard.js): rank order, keys, what is announced.
import {test} from "node:test";
import assert from "node:assert/strict";
import keyboard from "../../mapkit/web/static/keyboard.js";

test("areas are stepped in rank order, unranked areas last, ties in their given order", () => {
  assert.deepEqual(keyboard.rankOrder([3, null, 1, 2, null, 1]), [2, 5, 3, 0, 1, 4]);
  assert.deepEqual(keyboard.rankOrder([]), []);
});

test("arrow keys step by one, Page keys by ten, Home and End jump, and the ends hold", () => {
  assert.equal(keyboard.step(null, "ArrowDown", 5), 0);
  assert.equal(keyboard.step(null, "ArrowUp", 5), 4);
  assert.equal(keyboard.step(0, "ArrowRight", 5), 1);
  assert.equal(keyboard.step(0, "ArrowUp", 5), 0);
  assert.equal(keyboard.step(4, "ArrowDown", 5), 4);
  assert.equal(keyboard.step(2, "Home", 5), 0);
  assert.equal(keyboard.step(2, "End", 5), 4);
  assert.equal(keyboard.step(1, "PageDown", 30), 11);
  assert.equal(keyboard.step(3, "PageUp", 30), 0);
  assert.equal(keyboard.step(1, "k", 5), 0);
  assert.equal(keyboard.step(1, "Tab", 5), null);
  assert.equal(keyboard.step(null, "ArrowDown", 0), null);
});

test("the announcement names the area, its value, rank and position", () => {
  const text = keyboard.announcement({name: "Binley and Willenhall", parent: "Coventry", label: "IMD score",
                                      value: "45.20", unit: "(score)", rank: 12, of: 1192, region: "West Midlands"},
                                     11, 1192);
  assert.equal(text, "Binley and Willenhall (Coventry): IMD score 45.20 (score), rank 12 of 1,192 in West Midlands. " +
                     "Area 12 of 1,192. Enter opens its profile.");
  const bare = keyboard.announcement({name: "A", parent: "", label: "L", value: "No data", unit: "", rank: null},
                                     0, 1);
  assert.equal(bare, "A: L No data. Area 1 of 1. Enter opens its profile.");
});

test("on a bivariate map the announcement adds the second measure and the cell", () => {
  const text = keyboard.announcement({name: "Sandwell", parent: "West Midlands", label: "IMD score", value: "33.77",
                                      unit: "", rank: 2, of: 7, region: "West Midlands",
                                      versus: {label: "Change in GVA per hour worked", value: "+35.3%", unit: "",
                                               cell: "more deprived, middling growth"}}, 1, 7);
  assert.equal(text, "Sandwell (West Midlands): IMD score 33.77, rank 2 of 7 in West Midlands; Change in GVA per " +
                     "hour worked +35.3%; cell: more deprived, middling growth. Area 2 of 7. Enter opens its profile.");
  const gap = keyboard.announcement({name: "A", parent: "", label: "L", value: "1", unit: "", rank: 1, of: 1,
                                     region: "R", versus: {label: "M", value: "no data", unit: "", cell: null}}, 0, 1);
  assert.match(gap, /; M no data; cell: none, a figure is missing\./);
});
