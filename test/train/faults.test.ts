// Fault injection: a finetune run killed (SIGKILL) at every phase of a checkpoint write and of the final
// adapter/run.json writes, or failing on a full disk or a read-only file system, never leaves a corrupt
// checkpoint as `latest`, and --resume ends byte-identical to an uninterrupted run. The failpoints are named in
// src/io/failpoint.ts. CI runs the named phases and a seeded sample of atomic writes; LNTUNE_FAULTS=all runs
// every atomic write of the run (npm run faults).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { latestCheckpoint } from "../../src/train/checkpoint.ts";
import { tempDir } from "../eval/harness_setup.ts";
import { type TinyWorld, tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");
const STEPS = 3;

const root = tempDir();
const models = tinyModels(join(root, "models"), 2);
let data: TinyWorld;
let reference: string;
/** Atomic writes of a whole run, counted by the reference run. */
let atomicWrites = 0;

function finetune(output: string, extra: string[], failpoint?: string) {
  return spawnSync(
    process.execPath,
    [
      CLI,
      "finetune",
      ...["--llm", models.llm, "--vision", models.vision, "--data", data.finetune, "--images", data.images],
      ...["--method", "lora"],
      ...["--lora-r", "4", "--lora-dropout", "0.1", "--batch-size", "2", "--max-steps", String(STEPS)],
      ...["--save-every", "1", "--seed", "5", "--output", output, "--quiet", ...extra],
    ],
    { encoding: "utf8", env: { ...process.env, LNTUNE_FAILPOINT: failpoint ?? "" } },
  );
}

before(async () => {
  data = await tinyWorld(join(root, "data"), { train: 6, seed: 4 });
  // The first run writes the base every later one shares (beside the runs); the counted runs write only
  // their own files.
  const first = finetune(join(root, "first"), []);
  assert.equal(first.status, 0, first.stderr);
  reference = join(root, "reference");
  const r = finetune(reference, [], "atomic-write:count");
  assert.equal(r.status, 0, r.stderr);
  atomicWrites = Number(/failpoint atomic-write: (\d+) passes/.exec(r.stderr)![1]);
  assert.match(
    readFileSync(join(reference, "run.json"), "utf8"),
    /"finalLoss": [1-9]/,
    "the run trains on something",
  );
});

/** Every file under `dir` (relative path → bytes), leaving out measurements that differ between processes. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = join(rel, name);
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else out.set(path, readFileSync(join(dir, path), "utf8"));
    }
  };
  walk("");
  const clean = (path: string, edit: (v: Record<string, any>) => void) => {
    if (!out.has(path)) return;
    const lines = out.get(path)!.trim().split("\n");
    const parsed = path.endsWith(".jsonl") ? lines.map((l) => JSON.parse(l)) : [JSON.parse(lines.join("\n"))];
    for (const v of parsed) edit(v);
    out.set(path, JSON.stringify(parsed));
  };
  clean("run.json", (v) => {
    delete v.memory.peakActivationBytes;
    delete v.memory.peakRssBytes;
    delete v.throughput;
  });
  clean("metrics.jsonl", (v) => delete v.tokensPerSecond);
  // The run's own path (in options.json) differs by construction.
  for (const path of [...out.keys()])
    if (path.endsWith("measurements.json")) out.delete(path);
    else out.set(path, out.get(path)!.replaceAll(dir, "<run>"));
  return out;
}

/** `latest`, when there is one, names a checkpoint whose every file reads. */
function assertLatestComplete(run: string) {
  const dir = latestCheckpoint(run);
  if (dir === null) return;
  JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));
  JSON.parse(readFileSync(join(dir, "options.json"), "utf8"));
  for (const f of ["trainable.safetensors", "optimizer.safetensors"]) openSafetensors(join(dir, f)).close();
}

function resumeAndCompare(run: string) {
  const r = finetune(run, ["--resume"]);
  assert.equal(r.status, 0, r.stderr);
  const got = snapshot(run);
  const want = snapshot(reference);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), "the same files (no temporaries left)");
  for (const [path, content] of want) assert.equal(got.get(path), content, `${path} differs after resuming`);
}

const named = [
  "checkpoint:begun@1",
  "checkpoint:weights@2",
  "checkpoint:optimizer@1",
  "checkpoint:renamed@2",
  "checkpoint:latest@1",
  "checkpoint:latest@3",
  "adapter:weights",
  "run:output",
  "run:finished",
];
// The atomic writes to kill: every one with LNTUNE_FAULTS=all, else three drawn with a fixed seed (as fractions
// of the run, since the count is known only once the reference has run).
const rng = new Rng(17);
const atomic: Array<() => string> =
  process.env.LNTUNE_FAULTS === "all"
    ? Array.from({ length: 64 }, (_, k) => () => `atomic-write@${k + 1}`)
    : Array.from({ length: 3 }, () => rng.uniform()).map(
        (f) => () => `atomic-write@${1 + Math.floor(f * atomicWrites)}`,
      );

let n = 0;
for (const pick of [...named.map((p) => () => p), ...atomic]) {
  test("SIGKILL at a failpoint: latest stays complete and --resume ends byte-identical", {
    timeout: 120_000,
  }, (t) => {
    const point = pick();
    // With LNTUNE_FAULTS=all, the points past the run's last write.
    if (Number(/^atomic-write@(\d+)$/.exec(point)?.[1] ?? 0) > atomicWrites) return;
    t.diagnostic(point);
    const run = join(root, `kill-${n++}`);
    const r = finetune(run, [], point);
    assert.equal(r.signal, "SIGKILL", `${point} was not reached (status ${r.status}): ${r.stderr}`);
    assertLatestComplete(run);
    resumeAndCompare(run);
  });
}

const writeErrors = [
  () => "atomic-write@2:enospc",
  () => "atomic-write@9:enospc",
  () => `atomic-write@${atomicWrites - 1}:eacces`,
];
for (const pick of writeErrors) {
  test("a write error (full disk, read-only): a clear error naming the file, then --resume ends byte-identical", {
    timeout: 120_000,
  }, (t) => {
    const point = pick();
    t.diagnostic(point);
    const run = join(root, `error-${n++}`);
    const r = finetune(run, [], point);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`lntune: ${run}/\\S+: cannot write \\((ENOSPC|EACCES): `));
    assertLatestComplete(run);
    resumeAndCompare(run);
  });
}

test("the last atomic write of a run is run.json, after the adapter", () => {
  const run = join(root, "last");
  const r = finetune(run, [], `atomic-write@${atomicWrites}`);
  assert.equal(r.signal, "SIGKILL");
  assert.ok(existsSync(join(run, "adapter", "adapter_config.json")));
  assert.doesNotMatch(readFileSync(join(run, "run.json"), "utf8"), /"finalLoss"/);
});

test("a new run into a directory holding a run is refused and changes nothing", () => {
  const before = snapshot(reference);
  const r = finetune(reference, []);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /holds a run \(run\.json, metrics\.jsonl, checkpoints, adapter\); continue it with --resume/,
  );
  assert.deepEqual(snapshot(reference), before);
});

test("--resume where there is no run is refused instead of starting afresh", () => {
  const r = finetune(join(root, "never-ran"), ["--resume"]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /never-ran: nothing to resume \(no run there\)/);
  assert.ok(!existsSync(join(root, "never-ran")));
});

test("--resume of a finished run reports its final loss and leaves every file as it was", () => {
  const before = readFileSync(join(reference, "run.json"), "utf8");
  const files = snapshot(reference);
  const r = finetune(reference, ["--resume"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /final loss \d+\.\d+/);
  assert.equal(readFileSync(join(reference, "run.json"), "utf8"), before, "run.json, measurements included");
  assert.deepEqual(snapshot(reference), files);
});
