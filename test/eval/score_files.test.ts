// Bad inputs: every problem is an Error naming the file, never a crash or NaN.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { scoreCaptionFiles } from "../../src/eval/score_caption_files.ts";
import { scoreMmeDir } from "../../src/eval/score_mme_dir.ts";
import { scorePopeFiles } from "../../src/eval/score_pope_files.ts";
import { scoreVqaFiles } from "../../src/eval/score_vqa_files.ts";

const tmp = mkdtempSync(join(tmpdir(), "lntune-score-"));
const write = (name: string, content: unknown) => {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};
const vqaDir = "test/fixtures/eval/vqa";
const vqa = (results: string) =>
  scoreVqaFiles(`${vqaDir}/questions.json`, `${vqaDir}/annotations.json`, results);

test("VQA: malformed, missing fields, unknown and duplicate ids", () => {
  const bad = write("bad.json", "[{");
  assert.throws(
    () => vqa(bad),
    (e: Error) => e.message.startsWith(`${bad}:1:3: not valid JSON`),
  );
  assert.throws(() => vqa(join(tmp, "absent.json")), /absent\.json: cannot read file/);
  assert.throws(() => vqa(write("obj.json", { a: 1 })), /obj\.json: expected a JSON array/);
  assert.throws(
    () => vqa(write("noans.json", [{ question_id: 1000 }])),
    /noans\.json: result 0: field "answer"/,
  );
  assert.throws(
    () => vqa(write("unknown.json", [{ question_id: 7, answer: "x" }])),
    /unknown\.json: question_id 7 is not in/,
  );
  const dup = [
    { question_id: 1000, answer: "yes" },
    { question_id: 1000, answer: "no" },
  ];
  assert.throws(() => vqa(write("dup.json", dup)), /dup\.json: duplicate question_id 1000/);
  assert.throws(() => vqa(write("empty.json", [])), /empty\.json: no results/);
  const noQuestions = write("q.json", { questions: [] });
  assert.throws(
    () => scoreVqaFiles(noQuestions, `${vqaDir}/annotations.json`, `${vqaDir}/results.json`),
    /annotations\.json: question_id 1000 is not in the questions file/,
  );
});

test("VQA: a subset of the questions is scored", () => {
  const r = vqa(write("subset.json", [{ question_id: 1001, answer: "yes" }]));
  assert.deepEqual([r.overall, r.questions, r.annotated], [100, 1, 23]);
});

test("captions: unknown images, duplicates, missing captions", () => {
  const ann = write("ann.json", {
    images: [{ id: 1 }, { id: 2 }],
    annotations: [{ image_id: 1, caption: "a cat" }],
  });
  assert.throws(
    () => scoreCaptionFiles(ann, write("r1.json", [{ image_id: 3, caption: "x" }])),
    /r1\.json: image_id 3 is not in/,
  );
  assert.throws(
    () => scoreCaptionFiles(ann, write("r2.json", [{ image_id: 2, caption: "x" }])),
    /ann\.json: image_id 2 has no reference captions/,
  );
  const dup = [
    { image_id: 1, caption: "x" },
    { image_id: 1, caption: "y" },
  ];
  assert.throws(
    () => scoreCaptionFiles(ann, write("r3.json", dup)),
    /r3\.json: more than one caption for image_id 1/,
  );
  assert.throws(
    () => scoreCaptionFiles(ann, write("r4.json", [{ image_id: 1 }])),
    /r4\.json: result 0: field "caption"/,
  );
  const annBad = write("ann_bad.json", { annotations: [{ image_id: 1 }] });
  assert.throws(
    () => scoreCaptionFiles(annBad, write("r5.json", [])),
    /ann_bad\.json: annotation 0: field "caption"/,
  );
});

test("captions: a single image scores CIDEr 0 and finite BLEU/ROUGE", () => {
  const ann = write("one.json", { annotations: [{ image_id: 1, caption: "A cat." }] });
  const r = scoreCaptionFiles(ann, write("one_res.json", [{ image_id: 1, caption: "" }]));
  for (const v of [r.Bleu_1, r.Bleu_4, r.ROUGE_L, r.CIDEr]) assert.ok(Number.isFinite(v));
  assert.equal(r.CIDEr, 0);
});

test("POPE: unknown, ambiguous and repeated answers; unanswered questions are counted", () => {
  const split = (name: string) =>
    write(name, '{"question_id": 1, "label": "yes"}\n{"question_id": 2, "label": "no"}\n');
  const random = split("coco_pope_random.json");
  const popular = split("coco_pope_popular.json");
  const answers = (name: string, lines: object[]) =>
    write(name, lines.map((l) => JSON.stringify(l)).join("\n"));
  assert.throws(
    () => scorePopeFiles([random], answers("a1.jsonl", [{ question_id: 9, text: "yes" }])),
    /a1\.jsonl: line 1: unknown question_id 9/,
  );
  assert.throws(
    () => scorePopeFiles([random, popular], answers("a2.jsonl", [{ question_id: 1, text: "yes" }])),
    /a2\.jsonl: line 1: question_id 1 occurs in several splits/,
  );
  const twice = [
    { question_id: 1, text: "yes" },
    { question_id: 1, answer: "no" },
  ];
  assert.throws(
    () => scorePopeFiles([random], answers("a3.jsonl", twice)),
    /a3\.jsonl: line 2: second answer/,
  );
  assert.throws(
    () => scorePopeFiles([random], write("a4.jsonl", "{oops\n")),
    /a4\.jsonl:1:\d+: not valid JSON/,
  );
  const r = scorePopeFiles([random], answers("a5.jsonl", [{ question_id: 2, answer: "No" }]));
  assert.deepEqual([r.splits.random.total, r.splits.random.unanswered, r.splits.random.accuracy], [1, 1, 1]);
  assert.equal(r.splits.random.precision, 0);
});

test("POPE: an empty answers file, a split nobody answered and an empty question file are errors, not zeros", () => {
  const random = write("coco_pope_random.json", '{"question_id": 1, "label": "yes"}\n');
  const popular = write("coco_pope_popular.json", '{"question_id": 7, "label": "no"}\n');
  assert.throws(
    () => scorePopeFiles([random], write("empty.jsonl", "")),
    /empty\.jsonl: no answers to the questions of split "random"/,
  );
  const onlyRandom = write("r.jsonl", '{"question_id": 1, "text": "Yes", "category": "random"}\n');
  assert.throws(
    () => scorePopeFiles([random, popular], onlyRandom),
    /r\.jsonl: no answers to the questions of split "popular"/,
  );
  assert.throws(
    () => scorePopeFiles([write("coco_pope_adversarial.json", "\n")], onlyRandom),
    /coco_pope_adversarial\.json: no questions/,
  );
});

test("MME: missing directory, no subtask files, bad file named with its path", () => {
  assert.throws(() => scoreMmeDir(join(tmp, "nope")), /nope: not a directory/);
  assert.throws(() => scoreMmeDir(tmp), /no MME subtask files/);
  write("color.txt", "a\tq\tYes\tyes\n");
  assert.throws(
    () => scoreMmeDir(tmp),
    (e: Error) => e.message.startsWith(`${tmp}/color.txt: odd number of lines`),
  );
});
