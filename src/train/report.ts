// A side-by-side table of finished runs from their run.json files: method, trainable parameters, memory and
// final loss — the paper's Table 2 for whatever runs are at hand.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface RunSummary {
  dir: string;
  method: string;
  paperName: string;
  trainable: number;
  total: number;
  percent: number;
  /** Bytes: weights, gradients, optimizer state, measured activations and process peak. */
  memory: Record<string, number>;
  steps: number | null;
  finalLoss: number | null;
}

export function readRun(dir: string): RunSummary {
  const file = join(dir, "run.json");
  if (!existsSync(file)) throw new Error(`${dir}: no run.json (not a training run directory)`);
  // biome-ignore lint/suspicious/noExplicitAny: run.json is checked field by field below
  let run: Record<string, any>;
  try {
    run = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : err}`);
  }
  const count = run.trainable?.count;
  const total = run.trainable?.total;
  if (typeof count !== "number" || typeof total !== "number") throw new Error(`${file}: no trainable counts`);
  return {
    dir,
    method: String(run.method),
    paperName: run.stage === "pretrain" ? "stage 1 (connector)" : String(run.paperName ?? run.method),
    trainable: count,
    total,
    percent: (100 * count) / total,
    memory: run.memory ?? {},
    steps: run.steps ?? null,
    finalLoss: run.finalLoss ?? null,
  };
}

const mib = (b: number | undefined) => (b === undefined ? "-" : (b / 2 ** 20).toFixed(1));

export function formatReport(runs: RunSummary[]): string {
  const header = [
    "run",
    "method",
    "trainable",
    "%",
    "weights MiB",
    "grads MiB",
    "optim MiB",
    "activ. MiB",
    "peak RSS MiB",
    "steps",
    "final loss",
  ];
  const rows = runs.map((r) => [
    r.dir,
    r.paperName,
    r.trainable.toLocaleString(),
    r.percent < 0.01 ? r.percent.toFixed(4) : r.percent.toFixed(2),
    mib(r.memory.weightBytes),
    mib(r.memory.gradientBytes),
    mib(r.memory.optimizerBytes),
    mib(r.memory.peakActivationBytes),
    mib(r.memory.peakRssBytes),
    r.steps === null ? "-" : String(r.steps),
    r.finalLoss === null ? "-" : r.finalLoss.toFixed(4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}
