// The static site's page (mapkit/web/static/site.js): the view an address asks for, links and the embed snippet.
import {test} from "node:test";
import assert from "node:assert/strict";
import site from "../../mapkit/web/static/site.js";

const manifest = {
  title: "England policy map",
  regions: [{code: "E92000001", label: "England"}, {code: "E47000007", label: "West Midlands (combined authority)"}],
  levels: {lad: {label: "Districts", singular: "district"}, ward: {label: "Wards", singular: "ward"}},
  indicators: {
    imd_score: {label: "IMD score", theme: "Deprivation (IoD2025)"},
    income_score: {label: "Income score", theme: "Deprivation (IoD2025)"},
    gva: {label: "GVA per hour", theme: "Economy"},
  },
  views: {
    "E92000001/lad": {data: {imd_score: "data/a.json", gva: "data/b.json"}, hex: {areas: {url: "geometry/h.json"}}},
    "E47000007/lad": {data: {gva: "data/c.json", imd_score: "data/d.json"}, hex: null,
                      versus: [{key: "gva:2013-2023", indicator: "imd_score", label: "Change in GVA per hour",
                                reason: "Is growth reaching the places that need it?", data: "data/g.json"}]},
    "E47000007/ward": {data: {imd_score: "data/e.json", income_score: "data/f.json"}, hex: {}},
  },
  default: {region: "E47000007", level: "ward", indicator: "imd_score"},
  layouts: {map: "Map", hex: "Hex map"},
};

test("an address names the view; missing parts take the site's default", () => {
  assert.deepEqual(site.parseState("", "#region=E92000001&level=lad&indicator=gva", manifest),
                   {region: "E92000001", level: "lad", indicator: "gva", versus: "", layout: "map", embed: false,
                    notices: []});
  assert.deepEqual(site.parseState("?embed=1", "", manifest),
                   {region: "E47000007", level: "ward", indicator: "imd_score", versus: "", layout: "map", embed: true,
                    notices: []});
});

test("what the site does not hold falls back to the default, with a notice", () => {
  const state = site.parseState("", "#region=E99999999&level=ward&indicator=imd_score", manifest);
  assert.equal(state.region, "E47000007");
  assert.deepEqual(state.notices, ["This site has no map of region E99999999: showing West Midlands (combined " +
                                   "authority)."]);
  const england = site.parseState("", "#region=E92000001&level=ward", manifest);  // no England wards here
  assert.equal(england.level, "lad");
  assert.deepEqual(england.notices, ["This site has no map of ward areas here."]);
  const indicator = site.parseState("", "#region=E47000007&level=ward&indicator=gva", manifest);
  assert.equal(indicator.indicator, "imd_score");
  assert.deepEqual(indicator.notices, ["This map has no indicator gva."]);
  assert.equal(site.parseState("", "#region=%E0%A4%A&level=lad", manifest).region, "E47000007");  // bad escape
});

test("a link round-trips and the embed snippet escapes what it quotes", () => {
  const state = {region: "E47000007", level: "ward", indicator: "income_score", versus: "", layout: "map"};
  assert.equal(site.stateHash(state), "#region=E47000007&level=ward&indicator=income_score");
  assert.deepEqual(site.parseState("", site.stateHash(state), manifest),
                   {...state, embed: false, notices: []});
  const hex = {...state, layout: "hex"};
  assert.equal(site.stateHash(hex), "#region=E47000007&level=ward&indicator=income_score&layout=hex");
  assert.deepEqual(site.parseState("", site.stateHash(hex), manifest), {...hex, embed: false, notices: []});
  assert.equal(site.embedSnippet("https://maps.example.org/wmca/", state, "Income \"score\" <b>"),
               "<iframe src=\"https://maps.example.org/wmca/?embed=1#region=E47000007&amp;level=ward&amp;" +
               "indicator=income_score\" title=\"Income &quot;score&quot; &lt;b&gt;\" width=\"100%\" " +
               "height=\"" + site.embedHeight("Income \"score\" <b>", []) + "\" style=\"border:0\" " +
               "loading=\"lazy\"></iframe>");
});

test("the embed frame is as high as the map and every line under it, so sources are never cut", () => {
  const title = "IMD: average rank in West Midlands (combined authority), by district";
  const short = site.embedHeight(title, ["MHCLG, IoD2025."]);
  const source = "x".repeat(site.EMBED.chars * 3);  // three lines in the narrowest frame counted for
  assert.equal(site.embedHeight(title, ["MHCLG, IoD2025.", source]) - short, 3 * site.EMBED.line);
  assert.ok(short >= site.EMBED.map + 2 * site.EMBED.titleLine);
  assert.match(site.embedSnippet("https://x.org/", {region: "E47000007", level: "lad", indicator: "imd_score"}, title,
                                 ["MHCLG, IoD2025.", source]), new RegExp(`height="${short + 3 * site.EMBED.line}"`));
});

test("pickers: a region's levels and a view's indicators grouped by theme, in the manifest's order", () => {
  assert.deepEqual(site.levelsOf(manifest, "E47000007"), ["lad", "ward"]);
  assert.deepEqual(site.levelsOf(manifest, "E92000001"), ["lad"]);
  assert.deepEqual(site.indicatorGroups(manifest, "E47000007", "lad"), [
    {theme: "Economy", items: [{id: "gva", label: "GVA per hour"}]},
    {theme: "Deprivation (IoD2025)", items: [{id: "imd_score", label: "IMD score"}]},
  ]);
  assert.equal(site.titleOf(manifest, {region: "E92000001", level: "lad", indicator: "gva"}),
               "GVA per hour in England, by district");
});

test("the hex map is offered where the site holds one; elsewhere a link to it shows the map, with a notice", () => {
  assert.deepEqual(site.layoutsOf(manifest, "E92000001", "lad"), ["map", "hex"]);
  assert.deepEqual(site.layoutsOf(manifest, "E47000007", "lad"), ["map"]);
  const none = site.parseState("", "#region=E47000007&level=lad&indicator=gva&layout=hex", manifest);
  assert.equal(none.layout, "map");
  assert.deepEqual(none.notices, ["This site has no hex map of districts here: showing the map."]);
  const odd = site.parseState("", "#region=E92000001&level=lad&layout=%3Cb%3E", manifest);
  assert.equal(odd.layout, "map");
  assert.deepEqual(odd.notices, ["This site has no layout <b>: showing the map."]);  // shown as text, never markup
  assert.equal(site.titleOf(manifest, {region: "E92000001", level: "lad", indicator: "gva", layout: "hex"}),
               "GVA per hour in England, by district, hex map");
});

test("a bivariate pair on the hex map travels in the link with both its measures", () => {
  const both = structuredClone(manifest);
  both.views["E47000007/lad"].hex = {};
  const state = {region: "E47000007", level: "lad", indicator: "imd_score", versus: "gva:2013-2023", layout: "hex"};
  assert.equal(site.stateHash(state),
               "#region=E47000007&level=lad&indicator=imd_score&versus=gva%3A2013-2023&layout=hex");
  assert.deepEqual(site.parseState("", site.stateHash(state), both), {...state, embed: false, notices: []});
  assert.equal(site.titleOf(both, state), "IMD score against Change in GVA per hour in West Midlands (combined " +
                                          "authority), by district, hex map");
});

test("the table of the areas keeps Python's escaping and names its columns", () => {
  const html = site.tableHtml([
    {name: "Sandwell", parent: "West Midlands", value: "25,389.96", unit: "(average rank)", rank: 1},
    {name: "A &amp; B", parent: "", value: "No data", unit: "", rank: null},
  ], {label: "IMD: average rank", region: "West Midlands", parentHead: "Combined <authority>"});
  assert.ok(html.startsWith("<table class='site-table'><caption>IMD: average rank, areas in West Midlands in " +
                            "rank order</caption>"));
  assert.ok(html.includes("<th scope='col'>Combined &lt;authority&gt;</th>"));
  assert.ok(html.includes("<tr><td>1</td><th scope='row'>Sandwell</th><td>West Midlands</td><td>25,389.96 " +
                          "<span class='site-unit'>(average rank)</span></td></tr>"));
  assert.ok(html.includes("<tr><td></td><th scope='row'>A &amp; B</th><td></td><td>No data</td></tr>"));
});

test("a page opened as a file says how to serve it; otherwise the error and a reload", () => {
  assert.match(site.loadProblem(new Error("Failed to fetch"), "file:"), /python -m http\.server -d site\//);
  assert.equal(site.loadProblem(new Error("HTTP 404 for data/x.json"), "https:"),
               "This map could not be loaded (HTTP 404 for data/x.json): reload the page.");
});

test("a bivariate map: offered for its first measure, in the link, dropped with a notice elsewhere", () => {
  const hash = "#region=E47000007&level=lad&indicator=imd_score&versus=gva%3A2013-2023";
  const state = site.parseState("", hash, manifest);
  assert.equal(state.versus, "gva:2013-2023");
  assert.deepEqual(state.notices, []);
  assert.equal(site.stateHash(state), hash);
  assert.equal(site.versusOf(manifest, state).data, "data/g.json");
  assert.equal(site.titleOf(manifest, state), "IMD score against Change in GVA per hour in West Midlands (combined " +
                                              "authority), by district");
  assert.deepEqual(site.versusChoices(manifest, {...state, indicator: "gva"}), []);
  const other = site.parseState("", "#region=E47000007&level=lad&indicator=gva&versus=gva%3A2013-2023", manifest);
  assert.equal(other.versus, "");
  assert.deepEqual(other.notices, ["This map has no second measure gva:2013-2023 for GVA per hour: showing one " +
                                   "measure."]);
});

test("a bivariate map's table adds the second measure and the cell", () => {
  const html = site.tableHtml([
    {name: "Sandwell", parent: "", value: "33.77", unit: "", rank: 2,
     versus: {label: "Change", value: "+35.3%", unit: "", cell: "more deprived, middling growth"}},
  ], {label: "IMD score", region: "West Midlands", parentHead: "Within", versusLabel: "Change in GVA per hour"});
  assert.ok(html.includes("<th scope='col'>Change in GVA per hour</th><th scope='col'>Cell</th>"));
  assert.ok(html.includes("<td>33.77</td><td>+35.3%</td><td>more deprived, middling growth</td></tr>"));
});
