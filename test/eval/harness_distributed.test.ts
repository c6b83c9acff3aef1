// lntune eval as 2 MPI ranks (mpirun on loopback): each rank answers its share of the batches, the root writes
// the predictions in item order and scores them, and the result is that of one process; a rerun resumes.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { lntune, requireMpi } from "../dist/mpirun.ts";
import { EVAL_FIXTURES, modelDir, tempDir, writeImage } from "./harness_setup.ts";

const root = tempDir();
let args: (output: string) => string[];

before(async () => {
  requireMpi();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  // The fourth question's image is missing: rank 1 skips it, and the root counts it.
  for (const id of [42, 43, 44])
    await writeImage(join(images, `COCO_val2014_${String(id).padStart(12, "0")}.jpg`), id);
  args = (output) => [
    "eval",
    ...["--model", model, "--bench", "vqav2", "--images", images, "--output", output],
    ...["--data", join(EVAL_FIXTURES, "vqa", "questions.json")],
    ...["--annotations", join(EVAL_FIXTURES, "vqa", "annotations.json")],
    ...["--limit", "4", "--batch-size", "1", "--max-new-tokens", "5", "--quiet"],
  ];
});

const answers = (dir: string) =>
  readFileSync(join(dir, "predictions.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const { answer_id: _, ...rest } = JSON.parse(l);
      return rest;
    });
const metrics = (dir: string) => {
  const { output: _, ...rest } = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8"));
  return rest;
};

test("2 ranks answer, write and score as one process does; the root alone prints the metrics; a rerun resumes", {
  timeout: 300_000,
}, () => {
  const single = join(root, "single");
  const one = lntune(0, args(single));
  assert.equal(one.status, 0, one.stderr);
  const shared = join(root, "shared");
  const two = lntune(2, args(shared));
  assert.equal(two.status, 0, two.stderr);
  assert.deepEqual(answers(shared), answers(single));
  assert.deepEqual(
    answers(shared).map((a) => a.question_id),
    [1000, 1001, 1002],
  );
  assert.deepEqual(metrics(shared), metrics(single));
  assert.deepEqual(metrics(shared).skipped, { image_missing: 1 });
  assert.deepEqual(JSON.parse(two.stdout), metrics(single).metrics);
  assert.equal((two.stderr.match(/warning: skipping question 1003: image_missing/g) ?? []).length, 1);

  // The answers of a killed run, but for the first, are generated again (by both ranks) and equal the others.
  const first = readFileSync(join(shared, "predictions.jsonl"), "utf8").split("\n")[0];
  writeFileSync(join(shared, "predictions.jsonl"), `${first}\n`);
  const again = lntune(2, args(shared));
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(answers(shared), answers(single));
  assert.deepEqual([metrics(shared).generated, metrics(shared).resumed], [2, 1]);
});
