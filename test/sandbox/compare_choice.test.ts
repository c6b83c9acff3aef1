// How --compare ranks learning rates and what Table 2 reads as the time of a step: the validation score on
// hand-computed cases, the choice of rate (ties to the lower), and the median step time from metrics.jsonl.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseRate, sweepRates, validationScore } from "../../src/sandbox/compare.ts";
import { secondsPerStep } from "../../src/sandbox/run_facts.ts";
import type { StepMetrics } from "../../src/train/metrics_log.ts";

test("validation score: the mean of MME perception as % of its 800 maximum, VQAv2, both CIDEr × 100 and POPE accuracy", () => {
  const s = { mmePerception: 400, vqav2: 30, cocoCider: 20, flickrCider: 10, popeF1: 99, popeAccuracy: 40 };
  // (50 + 30 + 20 + 10 + 40) / 5
  assert.equal(validationScore(s), 30);
});

test("the chosen rate has the best score; of equal scores the lower rate", () => {
  assert.equal(
    chooseRate([
      { lr: 1e-3, score: 4 },
      { lr: 1e-4, score: 7 },
      { lr: 1e-2, score: 5 },
    ]),
    1e-4,
  );
  assert.equal(
    chooseRate([
      { lr: 5e-3, score: 7 },
      { lr: 1e-3, score: 7 },
      { lr: 2e-2, score: 3 },
    ]),
    1e-3,
  );
});

test("the sweep's rates are the method's default times each multiplier", () => {
  // LLaVA's LoRA rate, 2e-4.
  assert.deepEqual(sweepRates("lora", [0.2, 1, 5]), [4e-5, 2e-4, 1e-3]);
});

test("seconds per step: the median over metrics.jsonl's lines of a step's tokens / its tokens per second", () => {
  // Steps of 1, 1.5, 1 and 6.5 s (the last one also ran a gradient-variance probe).
  const lines = [1, 1.5, 1, 6.5].map(
    (t, i): StepMetrics => ({
      step: i + 1,
      loss: 1,
      lr: 0,
      gradNorm: 0,
      tokens: 100,
      tokensPerSecond: 100 / t,
      epoch: 0,
    }),
  );
  assert.equal(secondsPerStep(lines), 1.25);
});
