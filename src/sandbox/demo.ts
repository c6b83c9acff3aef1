// `lntune demo`: the paper's pipeline on the sandbox world, small enough for a laptop CPU. The pretrained
// sandbox LLM and vision tower are joined by a connector trained on captions (stage 1), then tuned on
// LLaVA-Instruct-style data with LayerNorm tuning (stage 2); the stage-1 and the LayerNorm model are scored
// on the five benchmarks of the held-out test split by the evaluation harness and its official-metric code.
// Every part is resumable (parts.ts); results.json and report.html are written at the end.
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { FINETUNE_LR } from "../tuning/learning_rates.ts";
import type { PartLog } from "./parts.ts";
import { type DemoContext, IMAGE_SIZE, prepareSandbox, type SandboxScale } from "./prepare.ts";
import { sandboxModels } from "./pretrained/shipped.ts";
import { renderHtml } from "./report/render_html.ts";
import type { SandboxResults } from "./report/results.ts";
import { lossCurve, runFacts, table2Row } from "./run_facts.ts";
import { describeEval, describeSplit, MME_PERCEPTION_MAX, runSettings, visionProbe } from "./settings.ts";
import { evaluatePart, stage2, stage2Samples, target } from "./stage2.ts";

export interface DemoScale extends SandboxScale {
  stage2Epochs: number;
}

/** The default demo: about 3 minutes on 2 cores. */
export const DEMO_SCALE: DemoScale = {
  world: {
    size: IMAGE_SIZE,
    train: 256,
    val: 8,
    test: 40,
    textScenes: 0,
    vqaPerImage: 2,
    popeImages: 8,
    mmePerSubtask: 8,
  },
  stage1Epochs: 3,
  stage2Epochs: 1,
  batchSize: 8,
};

export interface DemoOptions {
  dir: string;
  seed: number;
  scale: DemoScale;
  /** Default: the shipped pretrained models. */
  models?: { llm: string; vision: string };
  /** Stage-2 learning rate of `ln` (default: its default rate). */
  lr?: number;
  progress: "auto" | "quiet";
  log: (line: string) => void;
}

export interface DemoOutcome {
  results: SandboxResults;
  resultsFile: string;
  reportFile: string;
  parts: PartLog;
}

export function demoContext(o: Omit<DemoOptions, "scale" | "lr">): DemoContext {
  return {
    dir: o.dir,
    seed: o.seed,
    models: o.models ?? sandboxModels(),
    progress: o.progress,
    log: o.log,
    parts: { computed: [], reused: [] },
  };
}

/** Writes results.json and report.html into the demo directory. */
export function writeResults(
  dir: string,
  results: SandboxResults,
): { resultsFile: string; reportFile: string } {
  const resultsFile = join(dir, "results.json");
  const reportFile = join(dir, "report.html");
  writeFileAtomic(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileAtomic(reportFile, renderHtml(results));
  return { resultsFile, reportFile };
}

export async function runDemo(o: DemoOptions): Promise<DemoOutcome> {
  const t0 = Date.now();
  const ctx = demoContext(o);
  const s = o.scale;
  const lr = o.lr ?? FINETUNE_LR.ln.lr;
  ctx.log(describeSplit("test", s.world.test, s));
  ctx.log(describeEval());
  const sb = await prepareSandbox(ctx, s);
  ctx.log(
    `stage 2: LayerNorm (ln), lr ${lr}, ${s.stage2Epochs} epoch(s) on ${stage2Samples(s)} instruction samples, batch ${s.batchSize}`,
  );
  const ln = await stage2(ctx, sb, join(ctx.dir, "stage2", "ln"), {
    method: "ln",
    lr,
    epochs: s.stage2Epochs,
    batchSize: s.batchSize,
  });
  ctx.log("evaluation on the test split: stage 1, then LayerNorm");
  const stage1Scores = await evaluatePart(
    ctx,
    sb,
    join(ctx.dir, "eval", "stage1"),
    { key: sb.stage1.key },
    "test",
  );
  const lnScores = await evaluatePart(ctx, sb, join(ctx.dir, "eval", "ln"), target(ln), "test");
  const results: SandboxResults = {
    title: "lntune demo",
    settings: runSettings(ctx, sb, s),
    visionProbe: visionProbe(ctx.models),
    table1: {
      rows: [
        { method: "stage1", scores: stage1Scores },
        { method: "ln", scores: lnScores },
      ],
      mmePerceptionMax: MME_PERCEPTION_MAX,
      averageReference: "stage1",
    },
    table2: [table2Row("stage1", runFacts(sb.stage1.run)), table2Row("ln", ln.facts)],
    lossCurves: [lossCurve("stage1", sb.stage1.run), lossCurve("ln", ln.dir)],
    totalSeconds: (Date.now() - t0) / 1000,
  };
  return { results, ...writeResults(ctx.dir, results), parts: ctx.parts };
}
