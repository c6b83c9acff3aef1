// Honest throughput: a training step's tokens are every position the LLM ran (text tokens and each image's
// features, padding excluded), its tokens/s that step's own rate, and run.json reports the median of those
// rates. A stage whose one step takes all 4 samples: the step's tokens equal the data's text tokens (from
// `lntune data stats`' counting) plus each image's features beyond its one placeholder.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { datasetStats } from "../../src/data/stats.ts";
import { getTemplate } from "../../src/data/templates/index.ts";
import { loadTokenizer } from "../../src/io/tokenizer.ts";
import { runStage } from "../../src/train/run.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

test("a step's tokens include the image features; tokens/s is per step; run.json gives their median", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-throughput-"));
  try {
    const data = await tinyWorld(join(dir, "data"), { train: 4, seed: 5 });
    const { llm, vision } = tinyModels(join(dir, "models"), 5);
    const result = await runStage({
      stage: "finetune",
      method: "ln-simp",
      llm,
      vision,
      data: data.finetune,
      images: data.images,
      output: join(dir, "run"),
      batchSize: 4,
      maxSteps: 2,
      progress: "quiet",
      log: () => {},
    });
    const tokenizer = loadTokenizer(llm);
    const stats = await datasetStats(data.finetune, {
      imageFolder: data.images,
      tokenizer,
      template: getTemplate("vicuna_v1", tokenizer),
    });
    const text = Object.values(stats.types).reduce((n, t) => n + (t.tokens ?? 0), 0);
    const perImage = result.model.tokensPerImage;
    assert.equal(perImage, 16);
    const steps = readFileSync(join(dir, "run", "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(steps.length, 2);
    for (const s of steps) assert.equal(s.tokens, text + stats.withImage * (perImage - 1));
    const run = JSON.parse(readFileSync(join(dir, "run", "run.json"), "utf8"));
    const rates = steps.map((s) => s.tokensPerSecond).sort((a, b) => a - b);
    assert.equal(run.throughput.tokensPerSecond, (rates[0] + rates[1]) / 2);
    assert.match(run.throughput.counts, /image features, padding excluded/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
