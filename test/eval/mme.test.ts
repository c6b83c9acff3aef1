import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { MME_SUBTASKS, mmeScores, mmeSubtaskScore, parseMmeAnswer } from "../../src/eval/metrics/mme.ts";
import { scoreMmeDir } from "../../src/eval/score_mme_dir.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

// official/expected.json: what MME's own eval_tool/calculation.py (BradyFU/Awesome-Multimodal-Large-
// Language-Models, tools/eval_tool.zip) computes on the prediction sets beside it, all 14 subtasks
// each (tools/mme_goldens.py). "answers" runs every answer form (Yes/No in any case, prefixes such
// as "yesterday" or "know", answers parsed as other, an emoji before "yes") through images answered
// both, one or neither right, with LF, CRLF and CR line ends; "random" is seeded random answers.
const official = "test/fixtures/eval/mme/official";
interface OfficialGroup {
  total: number;
  subtasks: Record<string, { acc: number; accPlus: number; other: number; score: number }>;
}
const expected: Record<string, { perception: OfficialGroup; cognition: OfficialGroup }> = JSON.parse(
  readFileSync(`${official}/expected.json`, "utf8"),
);

for (const set of ["answers", "random"]) {
  test(`${set} prediction set: acc, acc+, other answers, subtask scores and totals equal calculation.py's`, () => {
    const r = scoreMmeDir(`${official}/${set}`);
    assert.deepEqual(r.present, [...MME_SUBTASKS.perception, ...MME_SUBTASKS.cognition]);
    for (const group of ["perception", "cognition"] as const) {
      assert.deepEqual(r[group].missing, []);
      assert.equal(r[group].total, expected[set][group].total, `${group} total`);
      for (const [name, want] of Object.entries(expected[set][group].subtasks)) {
        const got = r[group].subtasks[name];
        assert.deepEqual(
          [got.acc, got.accPlus, got.other, got.score],
          [want.acc, want.accPlus, want.other, want.score],
          name,
        );
        assert.equal(got.skipped, 0);
      }
    }
  });
}

test("parsing: exact yes/no, else the first four characters (code points), else other", () => {
  assert.equal(parseMmeAnswer("Yes"), "yes");
  assert.equal(parseMmeAnswer("NO"), "no");
  assert.equal(parseMmeAnswer("Yes, there is."), "yes");
  assert.equal(parseMmeAnswer("Not sure"), "no");
  assert.equal(parseMmeAnswer("none"), "no");
  assert.equal(parseMmeAnswer("I think yes"), "other");
  assert.equal(parseMmeAnswer("Maybe"), "other");
  assert.equal(parseMmeAnswer(""), "other");
  // Python slices code points: "\u{1F642}yes"[:4] still holds "yes".
  assert.equal(parseMmeAnswer("\u{1F642}yes"), "yes");
  assert.equal(parseMmeAnswer("\u{1F642} yes"), "other");
});

test("subtask score = 100 acc + 100 acc+ with 'other' answers counted wrong", () => {
  const s = mmeSubtaskScore([
    "a.jpg\tq1\tYes\tyes",
    "a.jpg\tq2\tNo\tno",
    "b.jpg\tq3\tYes\tPerhaps",
    "b.jpg\tq4\tNo\tno",
  ]);
  assert.deepEqual([s.acc, s.accPlus, s.score, s.other, s.images, s.questions], [0.75, 0.5, 125, 1, 2, 4]);
});

test("bad subtask files throw where the official script's assertions stop", () => {
  assert.throws(() => mmeSubtaskScore([]), /no answer lines/);
  assert.throws(() => mmeSubtaskScore(["a\tq\tyes\tyes"]), /odd number of lines/);
  assert.throws(() => mmeSubtaskScore(["a\tq\tmaybe\tyes", "a\tq\tno\tno"]), /line 1: ground truth "maybe"/);
  assert.throws(() => mmeScores(new Map([["count", ["a\tq\tyes\tyes"]]])), /^Error: count\.txt: odd/);
});

// Beyond calculation.py, which stops on a missing subtask file or a line without four fields:
// lntune scores the subtasks present, lists the missing ones, and skips and counts such lines.
test("directory scores: totals over the present subtasks, missing ones listed", () => {
  const r = scoreMmeDir("test/fixtures/eval/mme/results");
  assert.deepEqual(r.present, ["existence", "count", "OCR", "code_reasoning"]);
  // existence: 3/4 right, 1 of 2 images -> 125; count: 4/6, 1 of 3 -> 100; OCR (CRLF): 200.
  close(r.perception.subtasks.existence.score, 125);
  close(r.perception.subtasks.count.score, 100);
  assert.equal(r.perception.subtasks.OCR.score, 200);
  close(r.perception.total, 425);
  // code_reasoning: one malformed line skipped; 3/3 right but only 1 of 2 images complete -> 150.
  const code = r.cognition.subtasks.code_reasoning;
  assert.deepEqual([code.skipped, code.questions, code.acc, code.accPlus, code.score], [1, 3, 1, 0.5, 150]);
  assert.equal(r.cognition.total, 150);
  assert.deepEqual(r.cognition.missing, [
    "commonsense_reasoning",
    "numerical_calculation",
    "text_translation",
  ]);
  assert.equal(r.perception.missing.length, 7);
});
