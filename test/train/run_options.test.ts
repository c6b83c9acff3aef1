// The rule for resuming on another number of ranks: allowed when ranks × accumulation (and so, with the batch
// size compared as any option, the global batch) stays the same, refused otherwise with a hint.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type RunOptions, refuseChangedRun } from "../../src/train/run_options.ts";
import { tempDir } from "../eval/harness_setup.ts";

/** A checkpoint directory whose options.json holds `options`. */
function checkpoint(options: RunOptions): string {
  const dir = join(tempDir(), "step-0000001");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "options.json"), JSON.stringify(options));
  return dir;
}

const saved = { method: "ln", batchSize: 4, gradAccum: 1, worldSize: 2 };

test("a run of 2 ranks × 1 continues on 1 process × 2 or 4 ranks × 1/2 … as long as ranks × accumulation is 2", () => {
  const dir = checkpoint(saved);
  refuseChangedRun(dir, { ...saved, worldSize: 1, gradAccum: 2 });
  refuseChangedRun(dir, { ...saved, worldSize: 2, gradAccum: 1 });
});

test("another global batch is refused, naming ranks and accumulation and the product to keep", () => {
  const dir = checkpoint(saved);
  assert.throws(
    () => refuseChangedRun(dir, { ...saved, worldSize: 1 }),
    (e: Error) => {
      assert.match(e.message, /\n {2}worldSize: 2 → 1\n/);
      assert.doesNotMatch(e.message, /gradAccum/);
      assert.match(e.message, /ranks × --grad-accum must stay 2 \(the global batch\)/);
      return true;
    },
  );
  assert.throws(
    () => refuseChangedRun(dir, { ...saved, worldSize: 4, gradAccum: 2 }),
    /gradAccum: 1 → 2\n {2}worldSize: 2 → 4\n/,
  );
  // The same number of ranks with another accumulation: no hint about ranks.
  assert.throws(
    () => refuseChangedRun(dir, { ...saved, gradAccum: 2 }),
    (e: Error) => !e.message.includes("ranks ×") && e.message.includes("gradAccum: 1 → 2"),
  );
  // Regrouped ranks but another batch size: the batch size is still compared.
  assert.throws(
    () => refuseChangedRun(dir, { ...saved, worldSize: 1, gradAccum: 2, batchSize: 8 }),
    /batchSize: 4 → 8/,
  );
});

test("a checkpoint written before the world size was recorded counts as one process", () => {
  const { worldSize: _, ...old } = saved;
  const dir = checkpoint({ ...old, gradAccum: 2 });
  refuseChangedRun(dir, { ...saved, worldSize: 1, gradAccum: 2 });
  refuseChangedRun(dir, { ...saved, worldSize: 2, gradAccum: 1 });
});
