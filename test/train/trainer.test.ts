// The training loop: gradient accumulation equals a larger batch, the same seed gives the same loss curve,
// and a NaN loss or gradient stops the run with the step (and parameter) named before any weight changes.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { record } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { NonFiniteError, train } from "../../src/train/trainer.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { METHODS } from "../../src/tuning/methods.ts";
import { tinyLlamaConfig } from "../models/tiny_config.ts";
import { assertClose } from "../tensor/gradcheck.ts";

function setup() {
  const model = new LlamaForCausalLM(tinyLlamaConfig(), new Rng(5));
  applyMethod(model, METHODS.ln, {}, new Rng(6));
  const rng = new Rng(8);
  const rows = Array.from({ length: 8 }, () => Int32Array.from({ length: 6 }, () => rng.int(40)));
  return { model, rows };
}

const out = () => mkdtempSync(join(tmpdir(), "lntune-trainer-"));

async function run(accum: number, perBatch: number, seed = 1) {
  const { model, rows } = setup();
  const source = {
    batchesPerEpoch: rows.length / perBatch,
    batch: (_e: number, i: number) => rows.slice(i * perBatch, (i + 1) * perBatch),
  };
  const dir = out();
  await train(
    model,
    source,
    (b) => {
      const ids = Int32Array.from(b.flatMap((r) => [...r]));
      const o = model.forward({ inputIds: ids, batch: b.length, seqLen: 6, labels: ids });
      return { loss: o.loss!, tokens: ids.length };
    },
    { outputDir: dir, lr: 1e-2, maxSteps: 2, gradAccum: accum, warmupRatio: 0, seed, progress: "quiet" },
  );
  return { model, log: readFileSync(join(dir, "metrics.jsonl"), "utf8") };
}

test("gradient accumulation over micro-batches equals one batch of all rows", async () => {
  const a = await run(2, 2);
  const b = await run(1, 4);
  const wa = a.model.model.layers[0].input_layernorm.weight.readF32();
  const wb = b.model.model.layers[0].input_layernorm.weight.readF32();
  assertClose(wa, wb, 1e-6, 0, "input_layernorm after two steps");
});

test("same seed and data, same loss curve", async () => {
  const strip = (log: string) => log.replace(/"tokensPerSecond":[\d.e+-]+,/g, "");
  assert.equal(strip((await run(1, 2)).log), strip((await run(1, 2)).log));
});

test("a NaN loss stops the run naming the step; a NaN gradient names the parameter; weights untouched", async () => {
  const { model, rows } = setup();
  const source = { batchesPerEpoch: 4, batch: (_e: number, i: number) => rows[i] };
  const before = model.model.norm.weight.readF32().slice();
  let calls = 0;
  await assert.rejects(
    train(
      model,
      source,
      (r) => {
        const o = model.forward({ inputIds: r, batch: 1, seqLen: 6, labels: r });
        if (++calls === 2) o.loss!.writeF32([Number.NaN]);
        return { loss: o.loss!, tokens: 6 };
      },
      { outputDir: out(), lr: 1e-2, maxSteps: 4, progress: "quiet" },
    ),
    (e: Error) => e instanceof NonFiniteError && /loss is NaN at step 2/.test(e.message),
  );
  // An identity op whose backward hands NaN on: a finite loss with non-finite gradients.
  const poison = (t: Tensor) =>
    record("poison", new Tensor(t.readF32().slice(), []), [t], () => () => [Float32Array.of(Number.NaN)]);
  await assert.rejects(
    train(
      model,
      source,
      (r) => {
        const o = model.forward({ inputIds: r, batch: 1, seqLen: 6, labels: r });
        return { loss: poison(o.loss!), tokens: 6 };
      },
      { outputDir: out(), lr: 1e-2, maxSteps: 1, progress: "quiet" },
    ),
    (e: Error) =>
      e instanceof NonFiniteError &&
      /non-finite gradient at step 1 in model\.embed_tokens\.weight/.test(e.message),
  );
  assert.deepEqual(model.model.norm.weight.readF32(), before);
});

test("resume refuses a checkpoint written with other trainer options, naming each; the same options resume", async () => {
  const { model, rows } = setup();
  const source = { batchesPerEpoch: 4, batch: (_e: number, i: number) => rows[i] };
  const step = (r: Int32Array) => {
    const o = model.forward({ inputIds: r, batch: 1, seqLen: 6, labels: r });
    return { loss: o.loss!, tokens: 6 };
  };
  const dir = out();
  const opts = {
    outputDir: dir,
    lr: 1e-2,
    maxSteps: 2,
    stopAfter: 1,
    saveEvery: 1,
    progress: "quiet" as const,
  };
  await train(model, source, step, { ...opts, runOptions: { data: "a" } });
  await assert.rejects(
    train(model, source, step, { ...opts, resume: true, lr: 2e-2, maxSteps: 3, runOptions: { data: "b" } }),
    (e: Error) =>
      ["lr: 0.01 → 0.02", "maxSteps: 2 → 3", "totalSteps: 2 → 3", 'data: "a" → "b"'].every((l) =>
        e.message.includes(`\n  ${l}`),
      ),
  );
  const done = await train(model, source, step, {
    ...opts,
    resume: true,
    stopAfter: undefined,
    runOptions: { data: "a" },
  });
  assert.equal(done.steps, 2);
});
