// `lntune demo`: the paper's pipeline end to end on a sandbox small enough for a laptop CPU. A tiny LLaMA
// learns the answer vocabulary from text, is joined to a CLIP tower by a connector (stage 1), and is then
// made multimodal by stage-2 tuning with one or more of the paper's methods; held-out questions about unseen
// images measure each method against the stage-1 model.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MethodName } from "../tuning/methods.ts";
import { prepareSandbox } from "./prepare.ts";

export interface DemoOptions {
  dir: string;
  methods: MethodName[];
  seed: number;
  train: number;
  eval: number;
  quiet: boolean;
  log: (line: string) => void;
}

export interface DemoRow {
  method: string;
  trainable: number;
  percent: number;
  accuracy: number;
  seconds: number;
}

export async function runDemo(o: DemoOptions): Promise<DemoRow[]> {
  mkdirSync(o.dir, { recursive: true });
  const t0 = Date.now();
  o.log(`sandbox in ${o.dir}: ${o.train} training images, ${o.eval} held-out images (3 questions each)`);
  const sandbox = await prepareSandbox({ ...o, textEpochs: 4 });
  const rows: DemoRow[] = [
    {
      method: "stage 1 only",
      trainable: 0,
      percent: 0,
      accuracy: await sandbox.score(sandbox.stage1Model()),
      seconds: 0,
    },
  ];
  o.log("3/3 stage 2: visual instruction tuning");
  for (const method of o.methods) {
    const t = Date.now();
    const r = await sandbox.finetune(method, join(o.dir, `stage2-${method}`));
    const accuracy = await sandbox.score(r.model);
    rows.push({
      method,
      trainable: r.trainable.trainableCount,
      percent: (100 * r.trainable.trainableCount) / r.trainable.totalCount,
      accuracy,
      seconds: (Date.now() - t) / 1000,
    });
    o.log(`    ${method}: accuracy ${(100 * accuracy).toFixed(1)}%`);
  }
  o.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return rows;
}

export function formatDemoTable(rows: DemoRow[]): string {
  const head = "method          trainable params     %        held-out accuracy   time";
  const lines = rows.map(
    (r) =>
      `${r.method.padEnd(15)} ${r.trainable.toLocaleString().padStart(16)} ${r.percent.toFixed(3).padStart(8)}%   ${(100 * r.accuracy).toFixed(1).padStart(8)}%        ${r.seconds ? `${r.seconds.toFixed(0)} s` : "-"}`,
  );
  return [head, ...lines].join("\n");
}
