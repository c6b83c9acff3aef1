import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parsePopeAnswer, popeMetrics } from "../../src/eval/metrics/pope.ts";
import { popeSplitName, scorePopeFiles } from "../../src/eval/score_pope_files.ts";

const dir = "test/fixtures/eval/pope";

test("parsing: a word exactly No/no/not in the first sentence means no", () => {
  assert.equal(parsePopeAnswer("no"), "no");
  assert.equal(parsePopeAnswer("No, there is not."), "no");
  assert.equal(parsePopeAnswer("There is no dog in the image."), "no");
  assert.equal(parsePopeAnswer("It is not a dog"), "no");
  // Upstream quirks kept: capitals other than "No", prefixes and later sentences do not count.
  assert.equal(parsePopeAnswer("NO"), "yes");
  assert.equal(parsePopeAnswer("Not at all"), "yes");
  assert.equal(parsePopeAnswer("Nope"), "yes");
  assert.equal(parsePopeAnswer("Yes. No doubt."), "yes");
  assert.equal(parsePopeAnswer(""), "yes");
});

test("metrics from a hand-counted confusion matrix", () => {
  const m = popeMetrics([
    { label: "yes", answer: "Yes" }, // TP
    { label: "yes", answer: "yes" }, // TP
    { label: "yes", answer: "no" }, // FN
    { label: "no", answer: "NO" }, // FP (parsed as yes)
    { label: "no", answer: "no" }, // TN
  ]);
  assert.deepEqual([m.tp, m.fp, m.tn, m.fn, m.total], [2, 1, 1, 1, 5]);
  assert.equal(m.accuracy, 3 / 5);
  assert.equal(m.precision, 2 / 3);
  assert.equal(m.recall, 2 / 3);
  assert.equal(m.f1, (2 * (2 / 3) * (2 / 3)) / (2 / 3 + 2 / 3));
  assert.equal(m.yesRatio, 3 / 5);
});

test("zero denominators give 0 instead of upstream's ZeroDivisionError", () => {
  const none = popeMetrics([]);
  assert.deepEqual([none.accuracy, none.precision, none.recall, none.f1, none.yesRatio], [0, 0, 0, 0, 0]);
  const allNo = popeMetrics([{ label: "no", answer: "no" }]);
  assert.deepEqual([allNo.accuracy, allNo.precision, allNo.recall, allNo.f1], [1, 0, 0, 0]);
});

test("split names follow LLaVA's category naming", () => {
  assert.equal(popeSplitName("/data/coco_pope_adversarial.json"), "adversarial");
  assert.equal(popeSplitName("aokvqa_pope_seem_random.jsonl"), "seem_random");
  assert.equal(popeSplitName("custom.json"), "custom");
});

test("answers matched by id per split reproduce the official by-order results", () => {
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, "utf8"));
  const report = scorePopeFiles(
    [`${dir}/coco_pope_random.json`, `${dir}/coco_pope_popular.json`],
    `${dir}/answers.jsonl`,
  );
  assert.equal(report.skippedAnswers, 1);
  for (const split of ["random", "popular"]) {
    const { unanswered, total, ...metrics } = report.splits[split];
    assert.equal(unanswered, 0);
    assert.deepEqual(metrics, expected[split]);
  }
});
