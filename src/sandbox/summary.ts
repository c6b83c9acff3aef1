// The demo's printed summary: the sections of results.json as plain-text tables, with the report's number
// formats and its Table 1 average (the mean relative difference to a reference row, benchmarks.ts).
import { averageCoverage, averageReference, BENCHMARKS, relativeAverage } from "./report/benchmarks.ts";
import { duration, fixed, integer, mib, percent, rate } from "./report/format.ts";
import type { BenchmarkScores, SandboxResults } from "./report/results.ts";
import { seriesLabel } from "./report/series_style.ts";

/** Columns padded to their widest cell; the first left-aligned, the others right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "))
    .join("\n");
}

const scoreCells = (s: BenchmarkScores) => BENCHMARKS.map((b) => fixed(s[b.key], b.decimals));
const benchHeads = BENCHMARKS.map((b) => (b.key === "popeF1" ? "POPE F1" : b.label));

function table1(r: SandboxResults): string | null {
  const t = r.table1;
  if (!t?.rows.length) return null;
  const ref = averageReference(t)!;
  const refScores = t.rows.find((x) => x.method === ref)!.scores;
  const params = new Map((r.table2 ?? []).map((x) => [x.method, x]));
  const rows = t.rows.map((x) => {
    const p = params.get(x.method);
    return [
      seriesLabel(x.method),
      ...scoreCells(x.scores),
      fixed(relativeAverage(x.scores, refScores), 1),
      p ? integer(p.trainable) : "",
      p ? percent((100 * p.trainable) / p.total) : "",
    ];
  });
  const mmeMax = t.mmePerceptionMax ? ` (MME of ${t.mmePerceptionMax})` : "";
  return [
    `Table 1 (test split${mmeMax}; average: mean relative difference to ${seriesLabel(ref)} ${averageCoverage(refScores, seriesLabel(ref))}, in %)`,
    textTable(["method", ...benchHeads, "avg Δ %", "trainable", "%"], rows),
  ].join("\n");
}

function table2(r: SandboxResults): string | null {
  if (!r.table2?.length) return null;
  const rows = r.table2.map((x) => [
    seriesLabel(x.method),
    integer(x.trainable),
    percent((100 * x.trainable) / x.total),
    mib(x.memory.weightBytes + x.memory.gradientBytes + x.memory.optimizerBytes),
    mib(x.memory.peakActivationBytes),
    mib(x.memory.peakRssBytes),
    fixed(x.secondsPerStep, 3),
  ]);
  return [
    "Table 2 (memory in MiB: weights + gradients + AdamW state; activations and peak RSS measured)",
    textTable(["method", "trainable", "%", "weights+grads+optim", "activations", "peak RSS", "s/step"], rows),
  ].join("\n");
}

function sweep(r: SandboxResults): string | null {
  const s = r.lrSweep;
  if (!s?.points.length) return null;
  const methods = [...new Set(s.points.map((p) => p.method))];
  const rows = methods.map((m) => {
    const points = s.points.filter((p) => p.method === m).sort((a, b) => a.lr - b.lr);
    const cells = points.map((p) => `${rate(p.lr)}: ${fixed(p.score, 2)}${s.chosen[m] === p.lr ? "*" : ""}`);
    return [seriesLabel(m), cells.join("   ")];
  });
  return [`Learning-rate sweep (${s.metric}; * = chosen)`, textTable(["method", "lr: score"], rows)].join(
    "\n",
  );
}

function dataTypes(r: SandboxResults): string | null {
  if (!r.dataTypes?.length) return null;
  const rows = r.dataTypes.map((x) => [
    seriesLabel(x.subset),
    integer(x.samples),
    integer(x.tokens),
    ...scoreCells(x.scores),
  ]);
  return [
    "Data-type study (LayerNorm, equal samples, test split)",
    textTable(["subset", "samples", "tokens", ...benchHeads], rows),
  ].join("\n");
}

function ablation(r: SandboxResults): string | null {
  if (!r.connectorAblation?.length) return null;
  const rows = r.connectorAblation.map((x) => [seriesLabel(x.method), ...scoreCells(x.scores)]);
  return ["Connector ablation (test split)", textTable(["method", ...benchHeads], rows)].join("\n");
}

function similarity(r: SandboxResults): string | null {
  if (!r.layerSimilarity?.length) return null;
  const rows = r.layerSimilarity.map((x) => [
    seriesLabel(x.method),
    fixed(x.pooled, 4),
    fixed(x.perToken, 4),
  ]);
  return [
    "Layer-representation similarity (mean cosine between layers; lower = more diverse)",
    textTable(["method", "pooled", "per token"], rows),
  ].join("\n");
}

function gradVariance(r: SandboxResults): string | null {
  if (!r.gradVariance?.length) return null;
  const rows = r.gradVariance.map((c) => {
    const v = c.points.map((p) => p.variance);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return [seriesLabel(c.method), v[0].toExponential(3), v.at(-1)!.toExponential(3), mean.toExponential(3)];
  });
  return [
    "Gradient variance of the block norms ((1/K) Σ‖g_k − ḡ‖² over K probe batches)",
    textTable(["method", "first", "last", "mean"], rows),
  ].join("\n");
}

export function formatSummary(r: SandboxResults): string {
  const parts = [sweep(r), table1(r), table2(r), dataTypes(r), ablation(r), similarity(r), gradVariance(r)];
  if (r.totalSeconds !== undefined) parts.push(`total ${duration(r.totalSeconds)}`);
  return parts.filter((p) => p !== null).join("\n\n");
}
