import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const fx = "test/fixtures/eval";
const expected = (name: string) => JSON.parse(readFileSync(`${fx}/${name}/expected.json`, "utf8"));

function lntune(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/lntune.js", "score", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs with --json and checks that stdout is exactly one JSON object. */
function lntuneJson(...args: string[]) {
  const r = lntune(...args, "--json");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split("\n").length, 1);
  return JSON.parse(r.stdout);
}

test("score vqa --json prints the official overall, per-type and per-question accuracies", () => {
  const out = lntuneJson(
    "vqa",
    ...["--questions", `${fx}/vqa/questions.json`, "--annotations", `${fx}/vqa/annotations.json`],
    ...["--results", `${fx}/vqa/results.json`],
  );
  const { overall, perAnswerType, perQuestion } = expected("vqa");
  assert.deepEqual(out, { overall, perAnswerType, perQuestion });
});

test("score caption --json matches pycocoevalcap", () => {
  const out = lntuneJson(
    "caption",
    "--annotations",
    `${fx}/caption/annotations.json`,
    "--results",
    `${fx}/caption/results.json`,
  );
  const gold = expected("caption");
  for (const key of ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"]) {
    assert.ok(Math.abs(out[key] - gold[key]) < 1e-9, key);
  }
  assert.deepEqual(Object.keys(out.perImageCIDEr), Object.keys(gold.perImageCIDEr));
});

test("score pope --json scores each split file", () => {
  const out = lntuneJson(
    "pope",
    ...["--questions", `${fx}/pope/coco_pope_random.json`, `${fx}/pope/coco_pope_popular.json`],
    ...["--answers", `${fx}/pope/answers.jsonl`],
  );
  const gold = expected("pope");
  assert.deepEqual(Object.keys(out.splits), ["random", "popular"]);
  assert.equal(out.splits.random.f1, gold.random.f1);
  assert.equal(out.splits.popular.accuracy, gold.popular.accuracy);
  assert.equal(out.skippedAnswers, 1);
});

test("score mme --json reports totals and present subtasks", () => {
  const out = lntuneJson("mme", "--results-dir", `${fx}/mme/results`);
  assert.deepEqual(out.present, ["existence", "count", "OCR", "code_reasoning"]);
  assert.ok(Math.abs(out.perception.total - 425) < 1e-9);
  assert.equal(out.cognition.total, 150);
});

test("without --json a table is printed", () => {
  const r = lntune("mme", "--results-dir", `${fx}/mme/results`);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^existence\s+125\.00\s+0\.7500\s+0\.5000\s+1$/m);
});

test("score mme names, outside --json too, lines it left out for lacking a prediction field", () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-mme-"));
  writeFileSync(join(dir, "color.txt"), "a.png\tIs it red?\tYes\tYes\na.png\tIs it blue?\tNo\n");
  for (const args of [[], ["--json"]]) {
    const r = lntune("mme", "--results-dir", dir, ...args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^color\.txt: skipped 1 lines without 4 tab-separated fields$/m);
  }
  rmSync(dir, { recursive: true });
});

test("errors go to stderr with exit code 1", () => {
  const r = lntune(
    "caption",
    "--annotations",
    `${fx}/caption/annotations.json`,
    "--results",
    `${fx}/vqa/results.json`,
  );
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /results\.json: result 0: field "image_id" is missing/);
});
