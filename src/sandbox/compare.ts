// `lntune demo --compare`: the paper's comparison on the sandbox. From one stage-1 model, every method is
// tuned with the same budget (epochs over the same data) at each rate of a small grid around its default;
// the rate with the best validation score is kept. Then, on the test split: Table 1 (the five benchmarks),
// Table 2 (trainable parameters, memory and time per step of those runs), the data-type study (LayerNorm on
// one instruction type at a time, equal samples), the connector ablation, and the two analyses, layer
// similarity of each tuned model and the gradient variance recorded while it trained. Every run and
// evaluation is a resumable part (parts.ts), so an interrupted comparison continues where it stopped.
import { join } from "node:path";
import { layerSimilarityOf } from "../analysis/similarity_run.ts";
import { LLAVA_INSTRUCT_TYPES } from "../data/data_types.ts";
import { datasetStats } from "../data/stats.ts";
import { getTemplate } from "../data/templates/index.ts";
import { loadTokenizer } from "../io/tokenizer.ts";
import { FINETUNE_LR } from "../tuning/learning_rates.ts";
import type { MethodName } from "../tuning/methods.ts";
import { type DemoOutcome, type DemoScale, demoContext, writeResults } from "./demo.ts";
import { part } from "./parts.ts";
import { type DemoContext, IMAGE_SIZE, prepareSandbox, type Sandbox } from "./prepare.ts";
import { rate } from "./report/format.ts";
import type {
  BenchmarkScores,
  DataTypeRow,
  GradVarianceCurve,
  LrSweep,
  SandboxResults,
  SimilarityRow,
} from "./report/results.ts";
import { similarityRow } from "./report/similarity_row.ts";
import { gradVarianceCurve, lossCurve, runFacts, table2Row } from "./run_facts.ts";
import { describeEval, describeSplit, MME_PERCEPTION_MAX, runSettings, visionProbe } from "./settings.ts";
import { type EvalTarget, evaluatePart, type Stage2Run, stage2, stage2Samples, target } from "./stage2.ts";

export const TABLE1_METHODS: readonly MethodName[] = ["full", "lora", "attn-qv", "attn-mlp", "ln", "ln-simp"];
export const ABLATION_METHODS: readonly MethodName[] = ["connector", "ln-connector"];
export const DATA_SUBSETS: readonly DataTypeRow["subset"][] = [...LLAVA_INSTRUCT_TYPES, "all"];

export interface CompareScale extends DemoScale {
  /** The sweep's rates for a method: its default rate times each of these. */
  lrMultipliers: number[];
  /** Gradient-variance probe batches (K); the probe runs before training, halfway and at the end. */
  gradVarianceBatches: number;
  /** Training samples run through each model for the layer similarity. */
  similaritySamples: number;
}

/** The comparison's size: 8 methods × 3 rates = 24 stage-2 runs of 48 steps (96 images × 4 samples, 8 per
 * step), each scored on the validation split, then the test evaluations, the data-type study and the
 * analyses; sized to finish in under 45 minutes on 2 cores. */
export const COMPARE_SCALE: CompareScale = {
  world: {
    size: IMAGE_SIZE,
    train: 96,
    val: 12,
    test: 40,
    textScenes: 0,
    vqaPerImage: 2,
    popeImages: 6,
    mmePerSubtask: 6,
  },
  stage1Epochs: 3,
  stage2Epochs: 1,
  batchSize: 8,
  lrMultipliers: [0.2, 1, 5],
  gradVarianceBatches: 4,
  similaritySamples: 16,
};

export interface CompareOptions {
  dir: string;
  seed: number;
  scale: CompareScale;
  models?: { llm: string; vision: string };
  /** Table 1's methods (default all six) and the connector ablation's (default connector, ln-connector). */
  methods?: readonly MethodName[];
  ablationMethods?: readonly MethodName[];
  /** The data-type study's subsets (default the three types and all). */
  dataSubsets?: readonly DataTypeRow["subset"][];
  progress: "auto" | "quiet";
  log: (line: string) => void;
}

const VALIDATION_METRIC =
  "validation mean of MME perception (% of max), VQAv2 %, COCO CIDEr, Flickr30k CIDEr and POPE accuracy %";

/** One number per validation evaluation, on comparable 0–100 scales, to rank learning rates by. POPE counts
 * by its accuracy, not its F1: a model that answers "yes" to everything has an F1 of 66.7 and one that
 * answers "no" an F1 of 0, though both are at chance, and small models often do one or the other. */
export function validationScore(s: BenchmarkScores): number {
  const mme = (100 * s.mmePerception) / MME_PERCEPTION_MAX;
  return (mme + s.vqav2 + s.cocoCider + s.flickrCider + s.popeAccuracy) / 5;
}

/** The rate of the best score; the lower rate wins a tie. */
export function chooseRate(points: readonly { lr: number; score: number }[]): number {
  const sorted = [...points].sort((a, b) => a.lr - b.lr);
  return sorted.reduce((best, p) => (p.score > best.score ? p : best)).lr;
}

export function sweepRates(method: MethodName, multipliers: readonly number[]): number[] {
  return multipliers.map((m) => Number((FINETUNE_LR[method].lr * m).toPrecision(6)));
}

interface Chosen {
  run: Stage2Run;
  target: EvalTarget;
}

export async function runCompare(o: CompareOptions): Promise<DemoOutcome> {
  const t0 = Date.now();
  const ctx = demoContext(o);
  const s = o.scale;
  const methods = o.methods ?? TABLE1_METHODS;
  const ablation = o.ablationMethods ?? ABLATION_METHODS;
  const subsets = o.dataSubsets ?? DATA_SUBSETS;
  const samples = stage2Samples(s);
  const steps = Math.ceil(samples / s.batchSize) * s.stage2Epochs;
  const gradVariance = { every: Math.max(1, Math.floor(steps / 2)), batches: s.gradVarianceBatches };
  ctx.log(describeSplit("validation", s.world.val, s));
  ctx.log(describeSplit("test", s.world.test, s));
  ctx.log(describeEval());
  ctx.log(
    `stage 2: every method ${s.stage2Epochs} epoch(s) on ${samples} instruction samples (${steps} steps of ${s.batchSize}); ` +
      `learning rates: each method's default × ${s.lrMultipliers.join(", ")}, chosen on the validation split`,
  );
  const sb = await prepareSandbox(ctx, s);
  const runDir = (name: string) => join(ctx.dir, "runs", name);
  const evalDir = (split: string, name: string) => join(ctx.dir, "evals", split, name);

  const sweep: LrSweep = { metric: VALIDATION_METRIC, points: [], chosen: {} };
  const chosen = new Map<MethodName, Chosen>();
  const swept = [...methods, ...ablation];
  let point = 0;
  for (const method of swept) {
    const runs = new Map<number, Stage2Run>();
    for (const lr of sweepRates(method, s.lrMultipliers)) {
      const name = `${method}@${rate(lr)}`;
      ctx.log(`sweep ${++point}/${swept.length * s.lrMultipliers.length}: ${name}`);
      const spec = { method, lr, epochs: s.stage2Epochs, batchSize: s.batchSize, gradVariance };
      const run = await stage2(ctx, sb, runDir(name), spec);
      const scores = await evaluatePart(ctx, sb, evalDir("val", name), target(run), "val");
      runs.set(lr, run);
      sweep.points.push({ method, lr, score: validationScore(scores) });
    }
    const lr = chooseRate(sweep.points.filter((p) => p.method === method));
    sweep.chosen[method] = lr;
    const run = runs.get(lr)!;
    chosen.set(method, { run, target: target(run) });
    ctx.log(`sweep: ${method} runs at ${rate(lr)}`);
  }

  ctx.log("test split: Table 1 and the connector ablation");
  const stage1: EvalTarget = { key: sb.stage1.key };
  const testScores = async (name: string, t: EvalTarget) =>
    evaluatePart(ctx, sb, evalDir("test", name), t, "test");
  const rows = [{ method: "stage1", scores: await testScores("stage1", stage1) }];
  for (const [method, c] of chosen) rows.push({ method, scores: await testScores(method, c.target) });
  const byMethod = (list: readonly string[]) => rows.filter((r) => list.includes(r.method));

  const dataTypes = await dataTypeStudy(ctx, sb, s, sweep.chosen.ln ?? FINETUNE_LR.ln.lr, subsets);
  const similarity = await similarities(ctx, sb, s, [
    { method: "stage1", target: stage1 },
    ...chosenTargets(chosen),
  ]);
  const curves = [...chosen]
    .map(([m, c]) => gradVarianceCurve(m, c.run.dir))
    .filter((c): c is GradVarianceCurve => c !== null);

  const table1Methods = new Set<string>(methods);
  const results: SandboxResults = {
    title: "lntune demo --compare",
    settings: runSettings(ctx, sb, s),
    visionProbe: visionProbe(ctx.models),
    lrSweep: sweep,
    table1: {
      rows: rows.filter((r) => r.method === "stage1" || table1Methods.has(r.method)),
      mmePerceptionMax: MME_PERCEPTION_MAX,
      ...(table1Methods.has("lora") ? { averageReference: "lora" } : {}),
    },
    table2: [
      table2Row("stage1", runFacts(sb.stage1.run)),
      ...[...chosen].map(([m, c]) => table2Row(m, c.run.facts)),
    ],
    lossCurves: [...chosen].map(([m, c]) => lossCurve(m, c.run.dir)),
    dataTypes: dataTypes.length ? dataTypes : undefined,
    connectorAblation: ablation.length ? byMethod(["ln", ...ablation, "ln-simp"]) : undefined,
    layerSimilarity: similarity,
    gradVariance: curves,
    totalSeconds: (Date.now() - t0) / 1000,
  };
  return { results, ...writeResults(ctx.dir, results), parts: ctx.parts };
}

const chosenTargets = (chosen: Map<MethodName, Chosen>) =>
  [...chosen].map(([method, c]) => ({ method, target: c.target }));

/** LayerNorm on each subset of the stage-2 data, all of the same size (one sample per training image), scored
 * on the test split. */
async function dataTypeStudy(
  ctx: DemoContext,
  sb: Sandbox,
  s: CompareScale,
  lr: number,
  subsets: readonly DataTypeRow["subset"][],
): Promise<DataTypeRow[]> {
  const samples = s.world.train;
  const tokenizer = loadTokenizer(sb.stage1.llava);
  const template = getTemplate("vicuna_v1", tokenizer);
  const rows: DataTypeRow[] = [];
  for (const subset of subsets) {
    // "all": a random subset of the whole stage-2 data, as the paper's random 20K of its 80K.
    const types = subset === "all" ? undefined : [subset];
    const name = `ln@${rate(lr)}-${subset}`;
    ctx.log(`data-type study: ${subset}, ${samples} samples`);
    const spec = { method: "ln" as const, lr, epochs: s.stage2Epochs, batchSize: s.batchSize };
    const run = await stage2(ctx, sb, join(ctx.dir, "runs", name), {
      ...spec,
      dataTypes: types,
      subsample: samples,
    });
    const scores = await evaluatePart(ctx, sb, join(ctx.dir, "evals", "test", name), target(run), "test");
    const stats = await datasetStats(sb.world.train.mix, {
      imageFolder: sb.world.train.images,
      tokenizer,
      template,
      subset: { types, subsample: samples, seed: ctx.seed },
    });
    const tokens = Object.values(stats.types).reduce((n, t) => n + (t.tokens ?? 0), 0);
    rows.push({ subset, samples: stats.samples, tokens, scores });
  }
  return rows;
}

async function similarities(
  ctx: DemoContext,
  sb: Sandbox,
  s: CompareScale,
  models: { method: string; target: EvalTarget }[],
): Promise<SimilarityRow[]> {
  const rows: SimilarityRow[] = [];
  for (const { method, target: t } of models) {
    const settings = { model: t.key, samples: s.similaritySamples, world: sb.worldKey };
    const r = await part(
      join(ctx.dir, "similarity", method),
      settings,
      async () =>
        similarityRow(
          method,
          await layerSimilarityOf({
            model: sb.stage1.llava,
            adapter: t.adapter,
            data: sb.world.train.mix,
            images: sb.world.train.images,
            limit: s.similaritySamples,
            seed: ctx.seed,
          }),
        ),
      ctx.parts,
    );
    rows.push(r.value);
  }
  return rows;
}
