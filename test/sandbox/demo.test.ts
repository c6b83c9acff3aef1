// `lntune demo` and `lntune demo --compare` end to end in tiny configurations (a few images, random tiny
// models): the files they write, Table 1 against `lntune score` run on the saved answer files, the sweep's
// choice of learning rate, and resumption from finished parts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type CompareScale, runCompare } from "../../src/sandbox/compare.ts";
import { type DemoScale, runDemo } from "../../src/sandbox/demo.ts";
import { rate } from "../../src/sandbox/report/format.ts";
import type { BenchmarkScores, SandboxResults } from "../../src/sandbox/report/results.ts";
import { MIN_SCENE_SIZE } from "../../src/sandbox/world/scene.ts";
import { tinyModels } from "./tiny_sandbox.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

const TINY: DemoScale = {
  world: {
    size: MIN_SCENE_SIZE,
    train: 8,
    val: 6,
    test: 6,
    textScenes: 0,
    vqaPerImage: 1,
    popeImages: 3,
    mmePerSubtask: 2,
  },
  stage1Epochs: 1,
  stage2Epochs: 1,
  batchSize: 8,
};

const TINY_COMPARE: CompareScale = {
  ...TINY,
  lrMultipliers: [1, 5],
  gradVarianceBatches: 2,
  similaritySamples: 2,
};

const quiet = { seed: 0, progress: "quiet" as const, log: () => {} };

function lntuneScore(...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [CLI, "score", ...args, "--json"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Table 1's numbers recomputed by `lntune score` from the answer files an evaluation saved. */
function rescore(evalDir: string, world: string): BenchmarkScores {
  const split = join(world, "test");
  const vqa = lntuneScore(
    "vqa",
    ...["--questions", join(split, "vqav2", "v2_OpenEnded_mscoco_val2014_questions.json")],
    ...["--annotations", join(split, "vqav2", "v2_mscoco_val2014_annotations.json")],
    ...["--results", join(evalDir, "vqav2", "vqav2_answers.json")],
  ) as { overall: number };
  const caption = (bench: string) =>
    lntuneScore(
      "caption",
      ...["--annotations", join(split, bench, "captions.json")],
      ...["--results", join(evalDir, bench, "captions.json")],
    ) as { CIDEr: number };
  const pope = lntuneScore(
    "pope",
    "--questions",
    ...["random", "popular", "adversarial"].map((s) => join(split, "pope", `coco_pope_${s}.json`)),
    ...["--answers", join(evalDir, "pope", "pope_answers.jsonl")],
  ) as { splits: Record<string, { f1: number; accuracy: number }> };
  const mme = lntuneScore("mme", "--results-dir", join(evalDir, "mme", "mme_results")) as {
    perception: { total: number };
  };
  const splits = Object.values(pope.splits);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    mmePerception: mme.perception.total,
    vqav2: vqa.overall,
    cocoCider: 100 * caption("coco").CIDEr,
    flickrCider: 100 * caption("flickr30k").CIDEr,
    popeF1: 100 * mean(splits.map((s) => s.f1)),
    popeAccuracy: 100 * mean(splits.map((s) => s.accuracy)),
  };
}

const readResults = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as SandboxResults;
const withoutTime = ({ totalSeconds: _, ...rest }: SandboxResults) => rest;

test("demo (tiny): results.json and report.html are written; Table 1 equals lntune score on the saved answers", {
  timeout: 240_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), "lntune-demo-"));
  const models = tinyModels(join(root, "models"), 1);
  const dir = join(root, "demo");
  const t0 = Date.now();
  const out = await runDemo({ ...quiet, dir, scale: TINY, models });
  assert.ok(Date.now() - t0 < 60_000, `the tiny demo took ${Date.now() - t0} ms`);
  const results = readResults(dir);
  assert.deepEqual(results, JSON.parse(JSON.stringify(out.results)));
  assert.match(readFileSync(join(dir, "report.html"), "utf8"), /^<!DOCTYPE html>[\s\S]*Table 1/);
  assert.deepEqual(
    results.table1!.rows.map((r) => r.method),
    ["stage1", "ln"],
  );
  const world = join(dir, "world", "data");
  for (const row of results.table1!.rows)
    assert.deepEqual(row.scores, rescore(join(dir, "eval", row.method), world));
  // Trainable counts are those of the runs: the connector in stage 1, LayerNorm's set in stage 2.
  const run = (p: string) => JSON.parse(readFileSync(join(dir, p, "run", "run.json"), "utf8"));
  assert.deepEqual(
    results.table2!.map((r) => [r.method, r.trainable, r.total]),
    [
      ["stage1", run("stage1").trainable.count, run("stage1").trainable.total],
      ["ln", run("stage2/ln").trainable.count, run("stage2/ln").trainable.total],
    ],
  );
  assert.equal(run("stage2/ln").method, "ln");
  rmSync(root, { recursive: true, force: true });
});

test("demo --compare (tiny, 2 methods × 2 rates): each chosen rate is the argmax of its validation sweep; a rerun reuses every part; a lost result is redone alone", {
  timeout: 600_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), "lntune-compare-"));
  const models = tinyModels(join(root, "models"), 2);
  const dir = join(root, "compare");
  const options = {
    ...quiet,
    dir,
    scale: TINY_COMPARE,
    models,
    methods: ["lora", "ln"] as const,
    ablationMethods: [],
    dataSubsets: ["conversation", "all"] as const,
  };
  const first = await runCompare(options);
  const r = readResults(dir);
  const sweep = r.lrSweep!;
  assert.equal(sweep.points.length, 4);
  for (const method of ["lora", "ln"]) {
    const points = sweep.points.filter((p) => p.method === method);
    const best = Math.max(...points.map((p) => p.score));
    assert.equal(sweep.chosen[method], points.find((p) => p.score === best)!.lr, method);
    // Table 2's row is the run at the chosen rate.
    const runDir = join(dir, "runs", `${method}@${rate(sweep.chosen[method])}`, "run");
    const run = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
    assert.equal(run.lr, sweep.chosen[method]);
    const row = r.table2!.find((x) => x.method === method)!;
    assert.deepEqual([row.trainable, row.total], [run.trainable.count, run.trainable.total]);
  }
  assert.deepEqual(
    r.table1!.rows.map((x) => x.method),
    ["stage1", "lora", "ln"],
  );
  assert.deepEqual(
    r.dataTypes!.map((x) => [x.subset, x.samples]),
    [
      ["conversation", 8],
      ["all", 8],
    ],
  );
  assert.deepEqual(
    r.layerSimilarity!.map((x) => x.method),
    ["stage1", "lora", "ln"],
  );
  assert.ok(r.gradVariance!.every((c) => c.points.length >= 2));
  assert.ok(first.parts.computed.length > 0);

  // A second run finds every part finished: nothing is recomputed and the results are the same.
  const metrics = join(dir, "stage1", "run", "metrics.jsonl");
  const before = statSync(metrics).mtimeMs;
  const again = await runCompare(options);
  assert.deepEqual(again.parts.computed, []);
  assert.deepEqual(withoutTime(readResults(dir)), withoutTime(r));
  assert.equal(statSync(metrics).mtimeMs, before);

  // An evaluation whose result was lost (interrupted before it was written) is redone, alone.
  const lost = join(dir, "evals", "test", "ln");
  rmSync(join(lost, "result.json"));
  const third = await runCompare(options);
  assert.deepEqual(third.parts.computed, [lost]);
  assert.ok(existsSync(join(lost, "result.json")));
  assert.deepEqual(withoutTime(readResults(dir)), withoutTime(r));
  rmSync(root, { recursive: true, force: true });
});

test("lntune demo --models with a directory that holds no models stops with a message naming it", () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-demo-models-"));
  const r = spawnSync(process.execPath, [CLI, "demo", "--models", dir, "--dir", join(dir, "demo")], {
    encoding: "utf8",
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`${join(dir, "llm")}: no model\\.safetensors`));
  assert.ok(!existsSync(join(dir, "demo")), "nothing is written");
  rmSync(dir, { recursive: true, force: true });
});
