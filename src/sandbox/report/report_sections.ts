// One function per section of report.html, each returning "" when results.json lacks its data, so a partial
// run shows what it has and no empty chart or table.
import { averageCoverage, averageReference, BENCHMARKS, relativeAverage } from "./benchmarks.ts";
import { duration, escapeHtml, fixed, integer, mib, percent, rate } from "./format.ts";
import { best, type Cell, cell, htmlTable } from "./html_table.ts";
import type { BenchmarkScores, SandboxResults } from "./results.ts";
import { seriesLabel, seriesStyles } from "./series_style.ts";
import { barChart, lineChart, scatterChart } from "./svg_charts.ts";

function section(id: string, title: string, ...parts: (string | null)[]): string {
  const body = parts.filter((p): p is string => !!p);
  return body.length ? `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body.join("")}</section>` : "";
}

const p = (text: string) => `<p class="note">${escapeHtml(text)}</p>`;
const figure = (svg: string | null) => (svg ? `<figure>${svg}</figure>` : null);

/** Benchmark columns for rows of scores, the best of each column in bold. */
function scoreCells(rows: readonly BenchmarkScores[], withPopeAccuracy: boolean): Cell[][] {
  const columns = [...BENCHMARKS];
  if (withPopeAccuracy) columns.push({ key: "popeAccuracy", label: "POPE acc.", unit: "", decimals: 2 });
  const bold = columns.map((b) =>
    best(
      rows.map((r) => r[b.key]),
      b.decimals,
    ),
  );
  return rows.map((r, i) => columns.map((b, k) => cell(fixed(r[b.key], b.decimals), true, bold[k].has(i))));
}

/** Bars per benchmark, one bar per row (method or subset). */
function benchmarkBars(name: string, title: string, keys: string[], rows: readonly BenchmarkScores[]) {
  return barChart({
    name,
    title,
    series: seriesStyles(keys),
    panels: BENCHMARKS.map((b) => ({ title: b.label, yLabel: b.unit, values: rows.map((r) => r[b.key]) })),
  });
}

export function settingsSection(r: SandboxResults): string {
  const s = r.settings;
  if (!s && r.totalSeconds === undefined) return "";
  const facts: [string, string][] = [];
  if (s) {
    facts.push(["seed", String(s.seed)], ["threads", String(s.threads)]);
    if (s.trainImages !== undefined) facts.push(["training images", integer(s.trainImages)]);
    if (s.evalImages !== undefined) facts.push(["held-out images", integer(s.evalImages)]);
  }
  if (r.totalSeconds !== undefined) facts.push(["total time", duration(r.totalSeconds)]);
  const dl = `<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`;
  const share = (n: number | undefined, of: number) => (n === undefined ? "–" : percent((100 * n) / of));
  const models = s?.models.length
    ? htmlTable(
        ["model", "parameters", "embeddings + head %", "block norms %"],
        s.models.map((m) => [
          cell(m.name, false),
          cell(integer(m.parameters)),
          cell(share(m.embeddingsAndHead, m.parameters)),
          cell(share(m.blockNorms, m.parameters)),
        ]),
      )
    : "";
  return section("settings", "Run settings", dl + models);
}

export function probeSection(r: SandboxResults): string {
  if (!r.visionProbe?.length) return "";
  const rows = r.visionProbe.map((x) => [
    cell(x.attribute, false),
    cell(fixed(100 * x.pretrained, 1)),
    cell(fixed(100 * x.random, 1)),
  ]);
  return section(
    "vision-probe",
    "Vision tower: linear probes",
    htmlTable(["attribute", "pretrained tower %", "random tower %"], rows),
    p("Held-out accuracy of a linear classifier on the features the connector reads, per scene attribute."),
  );
}

export function lrSweepSection(r: SandboxResults): string {
  const sweep = r.lrSweep;
  if (!sweep?.points.length) return "";
  const methods = [...new Set(sweep.points.map((x) => x.method))];
  const lrs = [...new Set(sweep.points.map((x) => x.lr))].sort((a, b) => a - b);
  const rows = methods.map((m) => [
    cell(seriesLabel(m), false),
    ...lrs.map((lr) => {
      const point = sweep.points.find((x) => x.method === m && x.lr === lr);
      return cell(point ? fixed(point.score, 2) : "", true, sweep.chosen[m] === lr);
    }),
  ]);
  const chart = lineChart({
    name: "lr-sweep",
    title: "Learning-rate sweep",
    xLabel: "learning rate",
    yLabel: sweep.metric,
    logX: true,
    series: seriesStyles(methods).map((style, i) => ({
      style,
      points: sweep.points
        .filter((x) => x.method === methods[i])
        .sort((a, b) => a.lr - b.lr)
        .map((x) => [x.lr, x.score] as const),
    })),
  });
  return section(
    "lr-sweep",
    "Learning-rate sweep",
    htmlTable(["method", ...lrs.map(rate)], rows),
    p(`Validation score: ${sweep.metric}. The rate each method then ran at is in bold.`),
    figure(chart),
  );
}

export function table1Section(r: SandboxResults): string {
  const t = r.table1;
  if (!t?.rows.length) return "";
  const ref = averageReference(t)!;
  const refScores = t.rows.find((x) => x.method === ref)!.scores;
  const averages = t.rows.map((x) => relativeAverage(x.scores, refScores));
  const boldAverage = best(averages, 1);
  const scores = scoreCells(
    t.rows.map((x) => x.scores),
    true,
  );
  const rows = t.rows.map((x, i) => [
    cell(seriesLabel(x.method), false),
    ...scores[i],
    cell(fixed(averages[i], 1), true, boldAverage.has(i)),
  ]);
  const head = ["method", ...BENCHMARKS.map((b) => b.label), "POPE acc.", `avg. Δ vs ${seriesLabel(ref)} %`];
  const mmeMax = t.mmePerceptionMax === undefined ? "" : ` (of ${integer(t.mmePerceptionMax)})`;
  const notes =
    `Test split. MME perception: sum of subtask scores${mmeMax}; VQAv2 accuracy %; COCO and Flickr30k: CIDEr-D × 100; ` +
    `POPE: F1 % and accuracy %. Avg. Δ: mean of the relative differences to ${seriesLabel(ref)}, in %, ` +
    `${averageCoverage(refScores, seriesLabel(ref))} (POPE by F1), the form of the paper's "LayerNorm beats LoRA by ` +
    `more than 20% on average"; the scores' scales differ too much for a plain mean. Best of each column in bold.`;
  const chart = benchmarkBars(
    "benchmarks",
    "Table 1: test scores by benchmark",
    t.rows.map((x) => x.method),
    t.rows.map((x) => x.scores),
  );
  return section("table1", "Table 1: benchmarks", htmlTable(head, rows), p(notes), figure(chart));
}

export function table2Section(r: SandboxResults): string {
  if (!r.table2?.length) return "";
  const rows = r.table2.map((x) => [
    cell(seriesLabel(x.method), false),
    cell(integer(x.trainable)),
    cell(percent((100 * x.trainable) / x.total)),
    cell(mib(x.memory.weightBytes)),
    cell(mib(x.memory.gradientBytes)),
    cell(mib(x.memory.optimizerBytes)),
    cell(mib(x.memory.peakActivationBytes)),
    cell(mib(x.memory.peakRssBytes)),
    cell(fixed(x.secondsPerStep, 3)),
  ]);
  const head = [
    "method",
    "trainable",
    "%",
    "weights",
    "gradients",
    "optimizer",
    "activations",
    "peak RSS",
    "s / step",
  ];
  const chart = scatterChart({
    name: "memory",
    title: "Trainable parameters vs peak memory",
    xLabel: "trainable parameters (% of all, log scale)",
    yLabel: "peak RSS (MiB)",
    logX: true,
    points: seriesStyles(r.table2.map((x) => x.method)).map((style, i) => ({
      style,
      x: (100 * r.table2![i].trainable) / r.table2![i].total,
      y: r.table2![i].memory.peakRssBytes / 2 ** 20,
    })),
  });
  return section(
    "table2",
    "Table 2: parameters and memory",
    htmlTable(head, rows),
    p("Memory in MiB: weights, gradients and AdamW state by parameter count; activations and RSS measured."),
    figure(chart),
  );
}

export function lossSection(r: SandboxResults): string {
  if (!r.lossCurves?.length) return "";
  const chart = lineChart({
    name: "loss",
    title: "Training loss",
    xLabel: "step",
    yLabel: "loss",
    series: seriesStyles(r.lossCurves.map((c) => c.method)).map((style, i) => ({
      style,
      points: r.lossCurves![i].points.map((x) => [x.step, x.loss] as const),
    })),
  });
  return section("loss", "Loss curves", figure(chart));
}

export function dataTypesSection(r: SandboxResults): string {
  const rows = r.dataTypes;
  if (!rows?.length) return "";
  const scores = scoreCells(
    rows.map((x) => x.scores),
    false,
  );
  const table = htmlTable(
    ["subset", "samples", "tokens", ...BENCHMARKS.map((b) => b.label)],
    rows.map((x, i) => [
      cell(seriesLabel(x.subset), false),
      cell(integer(x.samples)),
      cell(integer(x.tokens)),
      ...scores[i],
    ]),
  );
  const chart = benchmarkBars(
    "data-types",
    "Data-type study: LayerNorm by training subset",
    rows.map((x) => x.subset),
    rows.map((x) => x.scores),
  );
  return section(
    "data-types",
    "Data-type study",
    table,
    p("LayerNorm tuning on one type of instruction data, every subset of the same number of samples."),
    figure(chart),
  );
}

export function ablationSection(r: SandboxResults): string {
  const rows = r.connectorAblation;
  if (!rows?.length) return "";
  const scores = scoreCells(
    rows.map((x) => x.scores),
    false,
  );
  const table = htmlTable(
    ["method", ...BENCHMARKS.map((b) => b.label)],
    rows.map((x, i) => [cell(seriesLabel(x.method), false), ...scores[i]]),
  );
  const chart = benchmarkBars(
    "connector-ablation",
    "Connector ablation",
    rows.map((x) => x.method),
    rows.map((x) => x.scores),
  );
  return section("connector-ablation", "Connector ablation", table, figure(chart));
}

export function similaritySection(r: SandboxResults): string {
  const rows = r.layerSimilarity;
  if (!rows?.length) return "";
  const pooled = best(
    rows.map((x) => x.pooled),
    4,
    true,
  );
  const perToken = best(
    rows.map((x) => x.perToken),
    4,
    true,
  );
  const table = htmlTable(
    ["method", "pooled", "per token"],
    rows.map((x, i) => [
      cell(seriesLabel(x.method), false),
      cell(fixed(x.pooled, 4), true, pooled.has(i)),
      cell(fixed(x.perToken, 4), true, perToken.has(i)),
    ]),
  );
  const chart = lineChart({
    name: "layer-similarity",
    title: "Layer similarity by layer",
    xLabel: "decoder layer",
    yLabel: "mean cosine with other layers",
    series: seriesStyles(rows.map((x) => x.method)).map((style, i) => ({
      style,
      points: rows[i].perLayer.map((v, layer) => [layer + 1, v] as const),
    })),
  });
  return section(
    "layer-similarity",
    "Layer-representation similarity",
    table,
    p("Mean cosine between the layers' outputs (lower: more diverse layers); lowest in bold."),
    figure(chart),
  );
}

export function gradVarianceSection(r: SandboxResults): string {
  if (!r.gradVariance?.length) return "";
  const chart = lineChart({
    name: "grad-variance",
    title: "Gradient variance of the block norms",
    xLabel: "step",
    yLabel: "variance (log scale)",
    logY: true,
    series: seriesStyles(r.gradVariance.map((c) => c.method)).map((style, i) => ({
      style,
      points: r.gradVariance![i].points.map((x) => [x.step, x.variance] as const),
    })),
  });
  if (!chart) return "";
  return section(
    "grad-variance",
    "Gradient variance",
    p("(1/K) Σ‖g_k − ḡ‖² of the block norms' gradients over K fixed probe batches."),
    figure(chart),
  );
}
