import assert from "node:assert/strict";
import { test } from "node:test";
import { relativeAverage } from "../../../src/sandbox/report/benchmarks.ts";
import { renderHtml } from "../../../src/sandbox/report/render_html.ts";
import type { BenchmarkScores, SandboxResults } from "../../../src/sandbox/report/results.ts";
import { sampleResults } from "./sample_results.ts";

// Expected values below are worked out by hand from the inputs; the report's own output is read back with
// the small regular-expression readers here (it is plain, regular markup).

const scores = (
  mme: number,
  vqa: number,
  coco: number,
  flickr: number,
  f1: number,
  acc = 50,
): BenchmarkScores => ({
  mmePerception: mme,
  vqav2: vqa,
  cocoCider: coco,
  flickrCider: flickr,
  popeF1: f1,
  popeAccuracy: acc,
});

function section(html: string, id: string): string {
  const m = html.match(new RegExp(`<section id="${id}">(.*?)</section>`, "s"));
  assert.ok(m, `no section ${id}`);
  return m[1];
}

function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
}

function chartNames(html: string): string[] {
  return [...html.matchAll(/<svg [^>]*data-chart="([^"]+)"/g)].map((m) => m[1]);
}

function chart(html: string, name: string): string {
  const m = html.match(new RegExp(`<svg [^>]*data-chart="${name}".*?</svg>`, "s"));
  assert.ok(m, `no chart ${name}`);
  return m[0];
}

/** Body rows of a section's first table: each cell's text and whether it is bold. */
function rows(html: string): { text: string; bold: boolean }[][] {
  const body = html.match(/<tbody>(.*?)<\/tbody>/s)![1];
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((r) =>
    [...r[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => {
      const bold = c[1].match(/^<strong>(.*)<\/strong>$/s);
      return { text: bold ? bold[1] : c[1], bold: !!bold };
    }),
  );
}

const boldTexts = (html: string) => rows(html).map((r) => r.filter((c) => c.bold).map((c) => c.text));

function tickLabels(svg: string, axis: "x-axis" | "y-axis"): string[] {
  const g = svg.match(new RegExp(`<g class="${axis}">(.*?)</g>`, "s"))![1];
  return [...g.matchAll(/<text class="tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Every chart draws something: a bar, a line or a point. */
function assertNoEmptyChart(html: string): void {
  for (const name of chartNames(html)) {
    const svg = chart(html, name);
    const drawn = (svg.match(/<rect class="bar"|<path class="line" d="M|<circle /g) ?? []).length;
    assert.ok(drawn > 0, `chart ${name} draws nothing`);
  }
}

test("a full results object renders every section, and each chart once, in order", () => {
  const html = renderHtml(sampleResults());
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.ok(html.endsWith("</html>\n"));
  assert.deepEqual(sectionIds(html), [
    "settings",
    "vision-probe",
    "lr-sweep",
    "table1",
    "table2",
    "loss",
    "data-types",
    "connector-ablation",
    "layer-similarity",
    "grad-variance",
  ]);
  assert.deepEqual(chartNames(html), [
    "lr-sweep",
    "benchmarks",
    "memory",
    "loss",
    "data-types",
    "connector-ablation",
    "layer-similarity",
    "grad-variance",
  ]);
  assertNoEmptyChart(html);
});

test("each chart has an accessible <title>, axis labels where it has axes, and a legend", () => {
  const html = renderHtml(sampleResults());
  for (const name of chartNames(html)) {
    const svg = chart(html, name);
    assert.match(svg, /^<svg [^>]*role="img"[^>]*><title id="chart-[^"]+">[^<]+<\/title>/, name);
    assert.match(svg, /<g class="legend"><(line|rect) /, name);
    assert.match(svg, /<text class="axis-label"[^>]*>[^<]+<\/text>/, name);
  }
  // Bars: one per method and benchmark (7 × 5), per subset (4 × 5), per ablation setting (3 × 5).
  const bars = (name: string) => (chart(html, name).match(/<rect class="bar"/g) ?? []).length;
  assert.deepEqual([bars("benchmarks"), bars("data-types"), bars("connector-ablation")], [35, 20, 15]);
  const lines = (name: string) => (chart(html, name).match(/<path class="line"/g) ?? []).length;
  assert.deepEqual(
    [lines("loss"), lines("layer-similarity"), lines("grad-variance"), lines("lr-sweep")],
    [6, 6, 2, 6],
  );
});

test("text from results.json is HTML-escaped everywhere it appears (title, tables, chart legends)", () => {
  const evil = `<script>alert("x&y")</script>'`;
  const escaped = "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;";
  const r = sampleResults();
  r.title = evil;
  r.table1!.rows[1].method = evil;
  r.lossCurves![0].method = evil;
  r.lrSweep!.metric = evil;
  r.settings!.models[0].name = evil;
  r.visionProbe![0].attribute = evil;
  const html = renderHtml(r);
  assert.ok(!html.includes("<script"), "a raw <script> got through");
  assert.ok(!html.includes(evil));
  // <title> and <h1>, the Table 1 row, its bar legend and its bars' tooltips (one per benchmark: 5), the loss
  // legend and line tooltip, the sweep's note and y-axis label, the models table, the probe table: 15.
  assert.equal(html.split(escaped).length - 1, 15);
  assert.ok(html.includes(`<title>${escaped}</title>`));
  assert.ok(chart(html, "loss").includes(`dy="0.32em">${escaped}</text>`));
});

test("Table 1 bolds the best value of each column and averages relative differences to LoRA", () => {
  const html = section(renderHtml(sampleResults()), "table1");
  const table = rows(html);
  assert.deepEqual(
    table.map((r) => r[0].text),
    ["Stage 1 only", "Finetune", "LoRA", "Attn. QV Proj.", "Attn. MLP", "LayerNorm", "LayerNorm-simp."],
  );
  // LayerNorm leads every column of the sample: the 5 benchmarks, POPE accuracy and the average.
  assert.deepEqual(boldTexts(html), [
    [],
    [],
    [],
    [],
    [],
    ["512.9", "62.30", "70.4", "60.8", "84.60", "83.50", "20.6"],
    [],
  ]);
  // LayerNorm vs LoRA: (512.9/430.2, 62.3/46.3, 70.4/58.8, 60.8/49.0, 84.6/80.1) − 1 = 19.224 %, 34.557 %,
  // 19.728 %, 24.082 %, 5.618 %; mean 20.642 %. LoRA against itself: 0.
  assert.equal(table[5].at(-1)!.text, "20.6");
  assert.equal(table[2].at(-1)!.text, "0.0");
  assert.match(html, /<th class="num">avg\. Δ vs LoRA %<\/th>/);
  assert.match(html, /sum of subtask scores \(of 800\)/);
});

test("relative average: mean of 100·(score − ref)/ref over the benchmarks the reference scores above 0", () => {
  // (+10 %, 0 %, −50 %, +100 %, 0 %) / 5 = 12 %
  assert.equal(relativeAverage(scores(110, 50, 30, 20, 90), scores(100, 50, 60, 10, 90)), 12);
  // COCO left out: (+10 %, 0 %, +100 %, 0 %) / 4 = 27.5 %
  assert.equal(relativeAverage(scores(110, 50, 30, 20, 90), scores(100, 50, 0, 10, 90)), 27.5);
  assert.equal(relativeAverage(scores(110, 50, 30, 20, 90), scores(0, 0, 0, 0, 0)), null);
});

test("Table 1's average: a chosen reference row, an unknown one refused, a benchmark it scores 0 on left out", () => {
  const r = sampleResults();
  r.table1!.averageReference = "stage1";
  assert.match(section(renderHtml(r), "table1"), /avg\. Δ vs Stage 1 only %/);
  r.table1!.averageReference = "nope";
  assert.throws(() => renderHtml(r), /results\.json: table1\.averageReference "nope" names no row of table1/);
  const z = sampleResults();
  z.table1!.rows[2].scores.cocoCider = 0;
  const html = section(renderHtml(z), "table1");
  // LayerNorm vs LoRA without COCO: (19.224 % + 34.557 % + 24.082 % + 5.618 %) / 4 = 20.870 %.
  assert.equal(rows(html)[5].at(-1)!.text, "20.9");
  assert.match(html, /over 4 of the five \(COCO left out: LoRA scores 0 there\)/);
});

test("values equal as printed are bold together; a missing (null) score prints – and is never bold", () => {
  const r: SandboxResults = {
    table1: {
      rows: [
        { method: "lora", scores: scores(400.04, 50, 60, 40, 80, 70) },
        { method: "ln", scores: scores(400.01, 50, 61, 40, 80, 70) },
        // JSON has no NaN: a failed score arrives as null.
        { method: "ln-simp", scores: { ...scores(1, 1, 1, 1, 1, 1), vqav2: null as unknown as number } },
      ],
    },
  };
  const table = rows(section(renderHtml(r), "table1"));
  // 400.04 and 400.01 both print 400.0; VQAv2, Flickr, POPE, POPE acc. tie between LoRA and LayerNorm.
  // LayerNorm's average vs LoRA: (−0.0075 % + 0 + 1/60 = 1.667 % + 0 + 0) / 5 = 0.33 %, above LoRA's 0.
  assert.deepEqual(
    table.map((row) => row.filter((c) => c.bold).map((c) => c.text)),
    [
      ["400.0", "50.00", "40.0", "80.00", "70.00"],
      ["400.0", "50.00", "61.0", "40.0", "80.00", "70.00", "0.3"],
      [],
    ],
  );
  assert.equal(table[2][2].text, "–");
  assert.equal(table[2].at(-1)!.text, "–");
});

test("data-type study, connector ablation, similarity and sweep tables bold their best cells", () => {
  const html = renderHtml(sampleResults());
  assert.deepEqual(boldTexts(section(html, "data-types")), [
    ["498.0", "60.10", "83.90"],
    ["72.5", "63.0"],
    [],
    [],
  ]);
  assert.deepEqual(boldTexts(section(html, "connector-ablation")), [
    [],
    ["61.5"],
    ["512.9", "62.30", "70.4", "84.60"],
  ]);
  // Lower similarity is better: LayerNorm's 0.71 / 0.59.
  assert.deepEqual(boldTexts(section(html, "layer-similarity")), [[], [], [], [], ["0.7100", "0.5900"], []]);
  // The chosen rate of each method.
  assert.deepEqual(boldTexts(section(html, "lr-sweep")), [
    ["47.90"],
    ["46.30"],
    ["42.80"],
    ["44.00"],
    ["62.30"],
    ["35.20"],
  ]);
});

test("settings and Table 2 print shares and sizes as computed by hand", () => {
  const html = renderHtml(sampleResults());
  // 4,096,000 / 4,305,216 = 95.140 %; 256 / 4,305,216 = 0.0059463 %; the tower has no split given.
  assert.deepEqual(
    rows(section(html, "settings")).map((r) => r.map((c) => c.text)),
    [
      ["LLaVA (LLM + tower + connector)", "4,305,216", "95.14", "0.0059"],
      ["LLM", "4,154,432", "98.59", "0.0062"],
      ["vision tower", "146,624", "–", "–"],
    ],
  );
  assert.match(section(html, "settings"), /<dt>total time<\/dt><dd>1 h 11 min<\/dd>/);
  // LayerNorm-simp.: 256 of 4,305,216 trainable; gradients 1 KiB and AdamW 2 KiB print as 0.0 MiB.
  assert.deepEqual(
    rows(section(html, "table2"))[5].map((c) => c.text),
    ["LayerNorm-simp.", "256", "0.0059", "16.4", "0.0", "0.0", "6.2", "301.0", "0.108"],
  );
});

test("the memory chart's log x axis has one tick per decade from 0.001 % to 100 %", () => {
  // Trainable shares range from 0.0059 % (LayerNorm-simp.) to 97.35 % (Finetune).
  const svg = chart(renderHtml(sampleResults()), "memory");
  assert.deepEqual(tickLabels(svg, "x-axis"), ["0.001", "0.01", "0.1", "1", "10", "100"]);
  // Peak RSS 301 … 402 MiB: step 20 (101 / 4 = 25.25 rounds to 20), from 300 to 420.
  assert.deepEqual(tickLabels(svg, "y-axis"), ["300", "320", "340", "360", "380", "400", "420"]);
});

test("line chart ticks: a tight x axis over the steps and evenly spaced nice y ticks", () => {
  const r: SandboxResults = {
    lossCurves: [
      {
        method: "ln",
        points: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => ({ step: s, loss: 2.5 - s / 5 })),
      },
    ],
  };
  const svg = chart(renderHtml(r), "loss");
  // x: 10 / 6 = 1.67 → step 2 over exactly [0, 10]; y: [0.5, 2.5], 2 / 4 = 0.5 → step 0.5.
  assert.deepEqual(tickLabels(svg, "x-axis"), ["0", "2", "4", "6", "8", "10"]);
  assert.deepEqual(tickLabels(svg, "y-axis"), ["0.5", "1.0", "1.5", "2.0", "2.5"]);
  const ys = [...svg.matchAll(/<line class="grid"[^>]* y1="([\d.]+)"/g)].map((m) => Number(m[1]));
  const gaps = ys.slice(1).map((y, i) => Number((ys[i] - y).toFixed(1)));
  assert.ok(
    gaps.every((g) => g === gaps[0] && g > 0),
    `uneven y ticks ${ys}`,
  );
  // The line starts at the first x tick and the top y tick, and ends at the last x tick and the bottom.
  const xs = [...svg.matchAll(/<text class="tick" x="([\d.]+)"[^>]*text-anchor="middle"/g)].map((m) => m[1]);
  const path = svg.match(/<path class="line" d="M([\d.]+),([\d.]+).*L([\d.]+),([\d.]+)"/)!;
  assert.deepEqual([path[1], path[3]], [xs[0], xs.at(-1)]);
  assert.deepEqual([Number(path[2]), Number(path[4])], [ys.at(-1), ys[0]]);
});

test("the layer-similarity chart's x axis is the layers 1 … 4, whole numbers only", () => {
  const svg = chart(renderHtml(sampleResults()), "layer-similarity");
  assert.deepEqual(tickLabels(svg, "x-axis"), ["1", "2", "3", "4"]);
});

test("an empty results object renders a page with no section and no chart", () => {
  const html = renderHtml({});
  assert.deepEqual(sectionIds(html), []);
  assert.deepEqual(chartNames(html), []);
  assert.match(html, /<h1>lntune demo<\/h1>/);
});

test("plain `lntune demo` (stage 1 and LayerNorm only) renders its three sections and their charts", () => {
  const full = sampleResults();
  const r: SandboxResults = {
    table1: { rows: full.table1!.rows.filter((x) => x.method === "stage1" || x.method === "ln") },
    table2: full.table2!.filter((x) => x.method === "ln"),
    lossCurves: full.lossCurves!.filter((x) => x.method === "ln"),
  };
  const html = renderHtml(r);
  assert.deepEqual(sectionIds(html), ["table1", "table2", "loss"]);
  assert.deepEqual(chartNames(html), ["benchmarks", "memory", "loss"]);
  assertNoEmptyChart(html);
  // Average against the first row (no LoRA): LayerNorm vs stage 1.
  assert.match(html, /avg\. Δ vs Stage 1 only %/);
});

test("sections present but with nothing to draw render no section and no empty chart", () => {
  const r: SandboxResults = {
    visionProbe: [],
    lrSweep: { metric: "m", points: [], chosen: {} },
    table1: { rows: [] },
    table2: [],
    lossCurves: [{ method: "ln", points: [] }],
    dataTypes: [],
    connectorAblation: [],
    layerSimilarity: [],
    // Nothing positive to put on the log axis.
    gradVariance: [
      {
        method: "ln",
        points: [
          { step: 0, variance: 0 },
          { step: 5, variance: -1 },
        ],
      },
    ],
  };
  const html = renderHtml(r);
  assert.deepEqual(sectionIds(html), []);
  assert.deepEqual(chartNames(html), []);
});

test("points that cannot be drawn are left out and counted in a note on the chart", () => {
  const r: SandboxResults = {
    lossCurves: [
      {
        method: "ln",
        points: [
          { step: 1, loss: 3 },
          { step: 2, loss: null as unknown as number },
          { step: 3, loss: 2 },
        ],
      },
    ],
    gradVariance: [
      {
        method: "ln",
        points: [
          { step: 0, variance: 0 },
          { step: 5, variance: 0.01 },
          { step: 10, variance: 0.001 },
        ],
      },
    ],
  };
  const html = renderHtml(r);
  assert.match(chart(html, "loss"), /<text class="note"[^>]*>1 point not shown \(non-finite\)<\/text>/);
  assert.match(chart(html, "loss"), /<path class="line" d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+" /);
  assert.match(
    chart(html, "grad-variance"),
    /<text class="note"[^>]*>1 point not shown \(non-finite or ≤ 0 on a log axis\)<\/text>/,
  );
});

test("a loss curve of 200,000 steps renders (no stack overflow on its range)", () => {
  const points = Array.from({ length: 200_000 }, (_, i) => ({ step: i + 1, loss: 1 + 1 / (i + 1) }));
  const svg = chart(renderHtml({ lossCurves: [{ method: "ln", points }] }), "loss");
  // Losses in (1, 2]: 1 / 4 = 0.25 rounds to a step of 0.2.
  assert.deepEqual(tickLabels(svg, "y-axis"), ["1.0", "1.2", "1.4", "1.6", "1.8", "2.0"]);
});

test("the same results give the same bytes, also after a round trip through results.json", () => {
  const a = renderHtml(sampleResults());
  assert.equal(renderHtml(sampleResults()), a);
  assert.equal(renderHtml(JSON.parse(JSON.stringify(sampleResults()))), a);
});

test("the page is self-contained: no script, no external reference, a CSP that forbids loading anything", () => {
  const html = renderHtml(sampleResults());
  assert.ok(!/<script|<link|<img|<iframe|@import|url\(|src=|href=/i.test(html));
  assert.match(
    html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/,
  );
});
