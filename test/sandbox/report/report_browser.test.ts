// report.html in a real browser: Debian's headless Chromium loads the rendered sample report from a file and
// the test reads the laid-out DOM (each chart's drawn bars, lines and points, measured by the browser), every
// request the page made and every console message, and takes a full-page screenshot. Chromium must be
// installed (`apt-get install -y --no-install-recommends chromium`); without it these tests fail, they are not
// skipped. Set REPORT_SCREENSHOT=/path/report.png to keep the screenshot.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { renderHtml } from "../../../src/sandbox/report/render_html.ts";
import { HeadlessChromium } from "./headless_chromium.ts";
import { sampleResults } from "./sample_results.ts";

interface ChartInPage {
  name: string;
  width: number;
  height: number;
  title: string;
  bars: number;
  lines: number;
  points: number;
  legend: number;
  xTicks: number;
  yTicks: number;
  axisLabels: number;
  /** The drawing's bounding box lies inside the viewBox (nothing cut off). */
  inside: boolean;
}

/** Runs in the page: what the browser laid out for each chart. */
const MEASURE = `(() => [...document.querySelectorAll("svg[data-chart]")].map((svg) => {
  const box = svg.getBoundingClientRect();
  const drawn = (el) => { const b = el.getBBox(); return b.width > 0 && b.height > 0; };
  const all = svg.getBBox();
  const vb = svg.viewBox.baseVal;
  return {
    name: svg.dataset.chart,
    width: box.width,
    height: box.height,
    title: svg.querySelector(":scope > title")?.textContent ?? "",
    bars: [...svg.querySelectorAll("rect.bar")].filter(drawn).length,
    lines: [...svg.querySelectorAll("path.line")].filter((p) => p.getTotalLength() > 0).length,
    points: [...svg.querySelectorAll("circle")].filter(drawn).length,
    legend: svg.querySelectorAll("g.legend text").length,
    xTicks: svg.querySelectorAll("g.x-axis text.tick").length,
    yTicks: svg.querySelectorAll("g.y-axis text.tick").length,
    axisLabels: [...svg.querySelectorAll("text.axis-label")].filter((t) => t.textContent.trim() && drawn(t)).length,
    inside: all.x >= -1 && all.y >= -1 && all.x + all.width <= vb.width + 1 && all.y + all.height <= vb.height + 1,
  };
}))()`;

/** What the page fetched besides itself: requests, resource timings, and console errors (CSP refusals). */
async function externalLoads(browser: HeadlessChromium, session: string, pageUrl: string) {
  const events = browser.eventsOf(session);
  return {
    requests: events
      .filter((e) => e.method === "Network.requestWillBeSent" && e.params.request.url !== pageUrl)
      .map((e) => e.params.request.url as string),
    resources: (await browser.evaluate(
      session,
      `performance.getEntriesByType("resource").map((e) => e.name)`,
    )) as string[],
    errors: events
      .filter(
        (e) =>
          (e.method === "Log.entryAdded" && e.params.entry.level === "error") ||
          e.method === "Runtime.exceptionThrown",
      )
      .map((e) => JSON.stringify(e.params).slice(0, 200)),
  };
}

let dir: string;
let browser: HeadlessChromium;
let session: string;
let pageUrl: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "lntune-report-"));
  const file = join(dir, "report.html");
  writeFileSync(file, renderHtml(sampleResults()));
  pageUrl = pathToFileURL(file).href;
  browser = HeadlessChromium.launch();
  session = await browser.open(pageUrl);
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("every chart of a full report is laid out by Chromium with its drawn bars, lines, points and axes", async () => {
  const charts = (await browser.evaluate(session, MEASURE)) as ChartInPage[];
  // Expected counts from the sample: 7 methods × 5 benchmarks, 4 subsets × 5, 3 settings × 5 bars; 6 sweep
  // lines with 18 points; 6 memory points; 6 loss lines of 120 steps (too many for markers); 6 similarity
  // lines × 4 layers; 2 gradient-variance lines × 7 probes.
  const expected: Record<string, Pick<ChartInPage, "bars" | "lines" | "points" | "legend">> = {
    "lr-sweep": { bars: 0, lines: 6, points: 18, legend: 6 },
    benchmarks: { bars: 35, lines: 0, points: 0, legend: 7 },
    memory: { bars: 0, lines: 0, points: 6, legend: 6 },
    loss: { bars: 0, lines: 6, points: 0, legend: 6 },
    "data-types": { bars: 20, lines: 0, points: 0, legend: 4 },
    "connector-ablation": { bars: 15, lines: 0, points: 0, legend: 3 },
    "layer-similarity": { bars: 0, lines: 6, points: 24, legend: 6 },
    "grad-variance": { bars: 0, lines: 2, points: 14, legend: 2 },
  };
  assert.deepEqual(
    charts.map((c) => c.name),
    Object.keys(expected),
  );
  for (const c of charts) {
    const { bars, lines, points, legend } = c;
    assert.deepEqual({ bars, lines, points, legend }, expected[c.name], c.name);
    assert.ok(c.width > 300 && c.height > 150, `${c.name} is ${c.width}×${c.height} px on the page`);
    assert.ok(c.title.length > 0, `${c.name} has no <title>`);
    assert.ok(c.yTicks >= 2, `${c.name} has ${c.yTicks} y ticks`);
    const panels = c.bars ? 5 : 1;
    assert.equal(c.axisLabels, c.bars ? panels : 2, `${c.name}: axis labels`);
    if (!c.bars) assert.ok(c.xTicks >= 2, `${c.name} has ${c.xTicks} x ticks`);
    assert.ok(c.inside, `${c.name} draws outside its viewBox`);
  }
});

test("the report loads nothing besides itself: no request, no resource, no console error", async () => {
  assert.deepEqual(await externalLoads(browser, session, pageUrl), {
    requests: [],
    resources: [],
    errors: [],
  });
});

test("the external-load check sees a stylesheet and an image injected into the report (it can fail)", async () => {
  const file = join(dir, "tampered.html");
  const css = "http://127.0.0.1:9/x.css";
  const png = "http://127.0.0.1:9/x.png";
  const html = renderHtml(sampleResults())
    .replace("</head>", `<link rel="stylesheet" href="${css}"></head>`)
    .replace("<main>", `<main><img src="${png}" alt="">`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const tampered = await browser.open(url);
  const loads = await externalLoads(browser, tampered, url);
  assert.deepEqual(loads.requests, [css, png]);
  assert.deepEqual(loads.resources, [css, png]);
  // The report's Content-Security-Policy refused both.
  assert.equal(loads.errors.length, 2);
  assert.ok(loads.errors.every((e) => e.includes("Content Security Policy")));
});

test("a full-page screenshot of the report is a PNG of the whole page", async () => {
  const png = await browser.screenshot(session, 900);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: width and height, big-endian, at bytes 16 and 20.
  assert.equal(png.readUInt32BE(16), 900);
  assert.ok(png.readUInt32BE(20) > 4000, `page height ${png.readUInt32BE(20)} px`);
  if (process.env.REPORT_SCREENSHOT) writeFileSync(process.env.REPORT_SCREENSHOT, png);
});
