// Data-parallel training over MPI (mpirun on loopback): 2 ranks with one micro-batch each per step end where
// one process accumulating 2 micro-batches ends; a rank killed mid-run stops the job with an error instead
// of a hang, and --resume continues it to the same result, also on another number of ranks when the global
// batch stays the same.
//
// Tolerance. Each rank computes its micro-batch's gradient exactly as one process would (same kernels, one
// thread each), and the all-reduce sums the ranks' gradients. With 2 ranks that sum is the very addition one
// process does when it accumulates (a + b = b + a in IEEE arithmetic), so the weights come out bit-identical
// here. In general they are not: with more ranks the all-reduce adds in its own order (ring or recursive
// halving), and other thread counts split the kernels' sums differently, each changing gradients in their
// last bits (float32, 2^-24 relative). AdamW turns a gradient into a step of about lr per weight whatever its
// size, so the weights then differ by a few ulps of the step, not of the gradient (4 ranks against one process
// measured 2e-8 at most over these 6 steps). The weights must agree within 1e-6 + 1e-5·|w|: 200 times below
// one step's change at this learning rate (2e-4), so a wrong shard, dropout mask or step would show. Since
// clipping and AdamW hide a wrongly scaled gradient from the weights, the gradient norm of every step is
// checked too (1e-5 relative), with the loss (1e-6: the ranks sum it in float32) and the token count.
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { lntune, lntuneAsync, lntuneRanks, requireMpi } from "../dist/mpirun.ts";
import { tempDir } from "../eval/harness_setup.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

const root = tempDir();
let data: string;
let images: string;
let models: { llm: string; vision: string };

before(async () => {
  requireMpi();
  const world = await tinyWorld(join(root, "data"), { train: 18, seed: 1 });
  models = tinyModels(join(root, "models"), 1);
  images = world.images;
  // One sample whose image is missing (dropped when the data is read, on every rank) and two whose images do
  // not decode (dropped from their batch by the rank that reads it): the skip counts are summed over ranks.
  const samples = JSON.parse(readFileSync(world.finetune, "utf8"));
  samples[3].image = "missing.jpg";
  samples[5].image = "broken-1.jpg";
  samples[12].image = "broken-2.jpg";
  for (const f of ["broken-1.jpg", "broken-2.jpg"]) writeFileSync(join(images, f), "not an image");
  data = join(root, "data.json");
  writeFileSync(data, JSON.stringify(samples));
});

/** 6 steps of LoRA with dropout (masks drawn per global micro-batch) over the 17 usable samples in batches of
 * 2 (9 per epoch, so the second epoch begins inside a step), checkpointing every step. */
function args(output: string, gradAccum: number): string[] {
  return [
    "finetune",
    ...["--llm", models.llm, "--vision", models.vision, "--data", data, "--images", images],
    ...["--output", output, "--method", "lora", "--lora-r", "4", "--lora-dropout", "0.1"],
    ...["--max-steps", "6", "--batch-size", "2", "--grad-accum", String(gradAccum)],
    ...["--save-every", "1", "--seed", "3", "--quiet"],
  ];
}

const read = (path: string) => readFileSync(path, "utf8");
const metrics = (run: string) =>
  read(join(run, "metrics.jsonl"))
    .trim()
    .split("\n")
    .map((l) => {
      const { tokensPerSecond: _, ...rest } = JSON.parse(l);
      return rest;
    });
const final = (run: string, file: string) => join(run, "checkpoints", "step-0000006", file);

/** Every tensor of two safetensors files agrees within 1e-6 + 1e-5·|b| (see the top of this file). */
function assertClose(a: string, b: string) {
  const [fa, fb] = [openSafetensors(a), openSafetensors(b)];
  try {
    assert.deepEqual(fa.names().sort(), fb.names().sort());
    for (const name of fa.names()) {
      const [x, y] = [fa.read(name).data as Float32Array, fb.read(name).data as Float32Array];
      for (let i = 0; i < x.length; i++)
        if (!(Math.abs(x[i] - y[i]) <= 1e-6 + 1e-5 * Math.abs(y[i])))
          assert.fail(`${a}: ${name}[${i}] is ${x[i]}, ${y[i]} in ${b}`);
    }
  } finally {
    fa.close();
    fb.close();
  }
}

/** Same weights and optimizer state within the tolerance, the same data position, and each step's metrics
 * (loss and gradient norm within their tolerances, the rest exactly). */
function assertSameRun(run: string, reference: string) {
  for (const f of ["trainable.safetensors", "optimizer.safetensors"])
    assertClose(final(run, f), final(reference, f));
  assertClose(
    join(run, "adapter", "adapter_model.safetensors"),
    join(reference, "adapter", "adapter_model.safetensors"),
  );
  assert.equal(read(final(run, "state.json")), read(final(reference, "state.json")));
  const [got, want] = [metrics(run), metrics(reference)];
  assert.equal(got.length, want.length);
  for (const [i, m] of got.entries()) {
    const w = want[i];
    assert.deepEqual([m.step, m.lr, m.tokens, m.epoch], [w.step, w.lr, w.tokens, w.epoch], `step ${i + 1}`);
    assert.ok(Math.abs(m.loss - w.loss) <= 1e-6 * w.loss, `step ${i + 1} loss ${m.loss} vs ${w.loss}`);
    assert.ok(Math.abs(m.gradNorm - w.gradNorm) <= 1e-5 * w.gradNorm, `step ${i + 1} gradNorm`);
  }
  const [r, ref] = [JSON.parse(read(join(run, "run.json"))), JSON.parse(read(join(reference, "run.json")))];
  assert.deepEqual(r.skipped, ref.skipped);
  assert.equal(r.globalBatchSize, ref.globalBatchSize);
}

let twoRanks: Promise<string> | undefined;
/** The uninterrupted 2-rank run, shared by the tests. */
function twoRankRun(): Promise<string> {
  twoRanks ??= (async () => {
    const out = join(root, "two-ranks");
    const r = lntune(2, args(out, 1));
    assert.equal(r.status, 0, r.stderr);
    return out;
  })();
  return twoRanks;
}

test("2 ranks × 1 micro-batch end with the weights, optimizer state, step metrics and skip counts of 1 process × 2", {
  timeout: 600_000,
}, async () => {
  const single = join(root, "one-process");
  const r = lntune(0, args(single, 2));
  assert.equal(r.status, 0, r.stderr);
  const dp = await twoRankRun();
  assertSameRun(dp, single);
  const run = JSON.parse(read(join(dp, "run.json")));
  assert.deepEqual([run.worldSize, run.globalBatchSize], [2, 4]);
  // Rank 0 reads two batches with an undecodable image and rank 1 one: the counts are the ranks' sum.
  assert.deepEqual(run.skipped, { image_missing: 1, image_undecodable: 3 });
  const options = JSON.parse(read(final(dp, "options.json")));
  assert.deepEqual([options.worldSize, options.gradAccum], [2, 1]);
  // Only the root wrote files: no rank's temporaries or second copies.
  assert.ok(existsSync(join(dp, "adapter", "adapter_config.json")));
});

test("a rank killed mid-run stops the job with an error; --resume ends as the uninterrupted run, on 2 ranks or on 1 process × 2", {
  timeout: 600_000,
}, async () => {
  const reference = await twoRankRun();
  const run = join(root, "killed");
  // Rank 1 dies as SIGKILL would right after its third optimizer step: rank 0 cannot pass the fourth step's
  // all-reduce, so the job stops mid-run whatever the machine's speed.
  const job = lntuneAsync([
    { args: args(run, 1) },
    { args: args(run, 1), env: { LNTUNE_FAILPOINT: "train:step@3:kill" } },
  ]);
  const latest = () =>
    existsSync(join(run, "checkpoints", "latest")) ? read(join(run, "checkpoints", "latest")).trim() : "";
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), 180_000);
  });
  const ended = await Promise.race([job.exited, timeout]);
  clearTimeout(timer);
  if (ended === null) {
    job.child.kill("SIGKILL");
    assert.fail("the job did not stop within 180 s of its start, though rank 1 dies after its third step");
  }
  assert.notEqual(ended.code, 0, ended.stderr);
  // mpirun names the rank it lost, or, when rank 0 noticed the lost peer first, the rank that aborted.
  assert.match(
    ended.stderr,
    /process rank 1 .*exited on signal 9 \(Killed\)|unexpectedly disconnected|MPI_ABORT was invoked on rank 0/,
  );
  const killedAt = latest();
  // Step 3's all-reduce needs rank 0 past step 2's checkpoint; step 4's cannot complete.
  assert.ok(["step-0000002", "step-0000003"].includes(killedAt), `latest checkpoint ${killedAt}`);
  const onOneProcess = join(root, "killed-one-process");
  const refused = join(root, "killed-refused");
  cpSync(run, onOneProcess, { recursive: true });
  cpSync(run, refused, { recursive: true });

  const resumed = lntune(2, [...args(run, 1), "--resume"]);
  assert.equal(resumed.status, 0, resumed.stderr);
  for (const f of ["trainable.safetensors", "optimizer.safetensors", "state.json"])
    assert.ok(
      readFileSync(final(run, f)).equals(readFileSync(final(reference, f))),
      `${f} differs (from ${killedAt})`,
    );
  assert.deepEqual(metrics(run), metrics(reference));

  // The same global batch on another number of ranks continues the run; another global batch is refused.
  const single = lntune(0, [...args(onOneProcess, 2), "--resume"]);
  assert.equal(single.status, 0, single.stderr);
  assertSameRun(onOneProcess, reference);
  const no = lntune(0, [...args(refused, 1), "--resume"]);
  assert.notEqual(no.status, 0);
  assert.match(no.stderr, /worldSize: 2 → 1\n/);
  assert.match(no.stderr, /ranks × --grad-accum must stay 2 \(the global batch\)/);
});

test("ranks started with different options stop before training, naming what differs", {
  timeout: 300_000,
}, () => {
  const out = join(root, "mismatched");
  const r = lntuneRanks([args(out, 1), [...args(out, 1), "--lr", "1e-3"]]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /lntune \(rank 1 of 2\): rank 1 would train another run than rank 0: lr differ/);
  assert.ok(!existsSync(join(out, "metrics.jsonl")), "no step was taken");
});
