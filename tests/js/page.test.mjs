// The page's own behaviour (mapkit/web/static/page.js): the view's link, what counts as narrow, copying and refusal.
import {test} from "node:test";
import assert from "node:assert/strict";
import page from "../../mapkit/web/static/page.js";

test("the view's link is this page's address with the view's query", () => {
  const place = {origin: "https://map.example.org", pathname: "/policy/"};
  assert.equal(page.viewLink(place, "region=E47000007&level=ward"),
               "https://map.example.org/policy/?region=E47000007&level=ward");
  assert.equal(page.viewLink(place, ""), "https://map.example.org/policy/");
});

test("a phone is narrow, a laptop is not", () => {
  assert.equal(page.narrow(390), true);
  assert.equal(page.narrow(page.NARROW), true);
  assert.equal(page.narrow(1280), false);
  assert.equal(page.narrow(0), false);  // not laid out yet
});

test("the link is written to the clipboard when the browser allows it", async () => {
  const written = [];
  let refused = 0;
  const clipboard = {writeText: (t) => { written.push(t); return Promise.resolve(); }};
  const copied = await page.copyText("https://x/?a=1", clipboard, () => { refused += 1; });
  assert.equal(copied, true);
  assert.deepEqual(written, ["https://x/?a=1"]);
  assert.equal(refused, 0);
});

test("a refusal, a throw or no clipboard at all falls back to copying by hand", async () => {
  const cases = [
    undefined,  // plain http away from localhost: no navigator.clipboard
    {writeText: () => Promise.reject(new DOMException("Write permission denied.", "NotAllowedError"))},
    {writeText: () => { throw new TypeError("not allowed in this frame"); }},
    {},
  ];
  for (const clipboard of cases) {
    let refused = 0;
    assert.equal(await page.copyText("https://x/", clipboard, () => { refused += 1; }), false);
    assert.equal(refused, 1);
  }
  assert.match(page.REFUSED, /press Ctrl\+C/);
});
