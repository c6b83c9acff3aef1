import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { pyRound } from "../../src/eval/metrics/py_round.ts";
import {
  processDigitArticle,
  processPunctuation,
  questionAccuracy,
  vqaAccuracy,
} from "../../src/eval/metrics/vqa_accuracy.ts";
import { scoreVqaFiles } from "../../src/eval/score_vqa_files.ts";

const dir = "test/fixtures/eval/vqa";
const readFixture = (name: string) => JSON.parse(readFileSync(`${dir}/${name}`, "utf8"));

test("normalisation matches the official vqaEval.py on every golden string", () => {
  const cases: Array<{ text: string; punctuation: string; digitArticle: string }> =
    readFixture("normalization.json");
  for (const c of cases) {
    assert.equal(processPunctuation(c.text), c.punctuation, `punctuation of ${JSON.stringify(c.text)}`);
    assert.equal(processDigitArticle(c.text), c.digitArticle, `digits/articles of ${JSON.stringify(c.text)}`);
  }
});

test("at most 32 periods are removed, as the official count=re.UNICODE quirk does", () => {
  assert.equal(processPunctuation("a.".repeat(40)), `${"a".repeat(33)}${".a".repeat(7)}.`);
});

test("number words, articles and contractions are normalised", () => {
  assert.equal(processDigitArticle("The Two dogs"), "2 dogs");
  assert.equal(processDigitArticle("none of an apple"), "0 of apple");
  assert.equal(processDigitArticle("dont know"), "don't know");
  assert.equal(processDigitArticle("  whats   up "), "what's up");
});

test("leave-one-out accuracy: min(matches among the other nine / 3, 1) averaged over ten", () => {
  const answers = ["red", "red", "blue", "blue", "blue", "blue", "blue", "blue", "blue", "blue"];
  // Each "red" sees 1 other red (1/3); each "blue" sees 2 reds (2/3): (2/3 + 8 * 2/3) / 10 = 0.6.
  assert.ok(Math.abs(questionAccuracy("red", answers) - 0.6) < 1e-12);
  assert.equal(questionAccuracy("blue", answers), 1);
  assert.equal(questionAccuracy("green", answers), 0);
  assert.equal(questionAccuracy("", answers), 0);
});

test("identical human answers: neither side is normalised (official behaviour)", () => {
  const yes = new Array(10).fill("yes");
  assert.equal(questionAccuracy("yes", yes), 1);
  assert.equal(questionAccuracy("Yes", yes), 0);
  assert.equal(questionAccuracy(" yes\n", yes), 1);
  // One differing answer switches normalisation on for prediction and answers alike.
  assert.equal(questionAccuracy("Yes", [...yes.slice(1), "no"]), 1);
  assert.equal(questionAccuracy("two", ["2", "2", "2", "two", "3", "3", "3", "3", "3", "3"]), 1);
});

test("pyRound reproduces Python's round half-to-even on exact binary values", () => {
  assert.equal(pyRound(0.125, 2), 0.12);
  assert.equal(pyRound(0.375, 2), 0.38);
  assert.equal(pyRound(2.675, 2), 2.67); // 2.675 is stored just below the tie
  assert.equal(pyRound(76.66666666666667, 2), 76.67);
  assert.equal(pyRound(-1.005, 2), -1);
  assert.equal(pyRound(0, 2), 0);
});

test("empty input gives 0 rather than NaN", () => {
  assert.deepEqual(vqaAccuracy([]), { overall: 0, perAnswerType: {}, perQuestionType: {}, perQuestion: {} });
});

test("fixture scores equal the official tool's output exactly", () => {
  const expected = readFixture("expected.json");
  const report = scoreVqaFiles(`${dir}/questions.json`, `${dir}/annotations.json`, `${dir}/results.json`);
  assert.equal(report.overall, expected.overall);
  assert.deepEqual(report.perAnswerType, expected.perAnswerType);
  assert.deepEqual(report.perQuestionType, expected.perQuestionType);
  assert.deepEqual(report.perQuestion, expected.perQuestion);
  assert.equal(report.questions, 23);
});
