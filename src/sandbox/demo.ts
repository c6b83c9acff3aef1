// `lntune demo`: the paper's pipeline end to end on a sandbox small enough for a laptop CPU. A tiny LLaMA
// learns the answer vocabulary from text, is joined to a CLIP tower by a connector (stage 1), and is then
// made multimodal by stage-2 tuning with one or more of the paper's methods; held-out questions about unseen
// images measure each method against the stage-1 model.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadClipImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import { loadTokenizer } from "../io/tokenizer.ts";
import { composeLlava } from "../models/compose.ts";
import { loadConnector } from "../models/load.ts";
import { runStage } from "../train/run.ts";
import type { MethodName } from "../tuning/methods.ts";
import { makeSandboxData } from "./data.ts";
import { sandboxAccuracy } from "./evaluate.ts";
import { makeSandboxModels } from "./models.ts";
import { pretrainLlm } from "./pretrain_llm.ts";

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
  const data = await makeSandboxData(join(o.dir, "data"), {
    train: o.train,
    eval: o.eval,
    size: 32,
    seed: o.seed,
  });
  const models = makeSandboxModels(join(o.dir, "models"), o.seed);
  const llm = join(o.dir, "models", "llm-text");
  o.log("1/3 text pretraining of the LLM (full training on text-only conversations)");
  const textLoss = await pretrainLlm({
    llm: models.llm,
    data: data.text,
    images: data.images,
    output: llm,
    seed: o.seed,
    epochs: 4,
    quiet: o.quiet,
  });
  o.log(`    final loss ${textLoss.toFixed(3)}`);
  const common = {
    llm,
    vision: models.vision,
    images: data.images,
    seed: o.seed,
    batchSize: 8,
    progress: o.quiet ? ("quiet" as const) : ("auto" as const),
    log: () => {},
  };
  // The sandbox LLM was pretrained on conversations, not web text, so stage 1 uses its conversation template.
  o.log("2/3 stage 1: connector only, on image descriptions");
  const stage1 = join(o.dir, "stage1");
  await runStage({
    ...common,
    stage: "pretrain",
    template: "vicuna_v1",
    data: data.pretrain,
    output: stage1,
    epochs: 4,
  });
  const tokenizer = loadTokenizer(llm);
  const processor = loadClipImageProcessorConfig(models.vision, 32);
  const score = (m: Awaited<ReturnType<typeof runStage>>["model"]) =>
    sandboxAccuracy(m, tokenizer, processor, data.questions, data.answers, data.images);
  const base = composeLlava(llm, models.vision, { seed: o.seed });
  loadConnector(base, join(stage1, "connector.safetensors"));
  const rows: DemoRow[] = [
    { method: "stage 1 only", trainable: 0, percent: 0, accuracy: await score(base), seconds: 0 },
  ];
  o.log("3/3 stage 2: visual instruction tuning");
  for (const method of o.methods) {
    const t = Date.now();
    const r = await runStage({
      ...common,
      stage: "finetune",
      method,
      connector: join(stage1, "connector.safetensors"),
      data: data.finetune,
      output: join(o.dir, `stage2-${method}`),
      epochs: 3,
    });
    const accuracy = await score(r.model);
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
