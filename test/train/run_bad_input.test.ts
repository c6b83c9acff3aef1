// Bad training data is a counted skip, not a crash: missing images are dropped when the data is opened,
// undecodable ones when their batch is built (an emptied batch just contributes nothing), and run.json
// reports both; a run with no usable sample stops with a message naming the file.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runStage } from "../../src/train/run.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

test("missing and undecodable images are skipped and counted; no usable sample is a clear error", {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-bad-data-"));
  const data = await tinyWorld(join(dir, "data"), { train: 8, seed: 4 });
  const { llm, vision } = tinyModels(join(dir, "models"), 4);
  const image = (i: number) => join(data.images, data.imageFiles[i]);
  rmSync(image(0));
  rmSync(image(1));
  writeFileSync(image(2), "not a jpeg");
  const common = {
    stage: "finetune" as const,
    llm,
    vision,
    images: data.images,
    data: data.finetune,
    batchSize: 1,
    progress: "quiet" as const,
    log: () => {},
  };
  // 6 samples remain; one epoch of batch size 1 sees the undecodable one exactly once.
  const lines: string[] = [];
  const r = await runStage({ ...common, output: join(dir, "out"), maxSteps: 6, log: (l) => lines.push(l) });
  assert.equal(r.summary.steps, 6);
  const run = JSON.parse(readFileSync(join(dir, "out", "run.json"), "utf8"));
  assert.deepEqual(run.skipped, { image_missing: 2, image_undecodable: 1 });
  // Said on the console too, not only in run.json: when the first one happens and at the end.
  assert.ok(
    lines.some((l) =>
      l.startsWith("skipping samples whose images cannot be used (first: image_undecodable)"),
    ),
  );
  assert.ok(lines.includes("skipped samples: 2 image_missing, 1 image_undecodable (counted in run.json)"));
  for (let i = 2; i < 8; i++) rmSync(image(i));
  await assert.rejects(
    runStage({ ...common, output: join(dir, "out2"), maxSteps: 1 }),
    (e: Error) =>
      e.message.includes(`${data.finetune}: no usable samples`) && e.message.includes('"image_missing":8'),
  );
});

test("without --max-length a sample is cut to the tokenizer's model_max_length, said once and counted at the end", {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-long-"));
  const data = await tinyWorld(join(dir, "data"), { train: 2, seed: 5 });
  const { llm, vision } = tinyModels(join(dir, "models"), 5);
  // One conversation far beyond the LLaMA-2 tokenizer's model_max_length of 4096.
  const samples = JSON.parse(readFileSync(data.finetune, "utf8"));
  samples[0].conversations[1].value = "red circle ".repeat(3000);
  const file = join(dir, "long.json");
  writeFileSync(file, JSON.stringify(samples));
  const lines: string[] = [];
  const r = await runStage({
    stage: "finetune",
    llm,
    vision,
    images: data.images,
    data: file,
    batchSize: 2,
    maxSteps: 1,
    output: join(dir, "out"),
    progress: "quiet",
    log: (l) => lines.push(l),
  });
  assert.equal(r.summary.steps, 1);
  assert.ok(
    lines.includes(
      "samples longer than 4096 tokens are cut (the tokenizer's model_max_length; --max-length sets another limit)",
    ),
  );
  assert.ok(lines.includes("cut 1 samples to 4096 tokens"));
});
