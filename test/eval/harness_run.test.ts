// Evaluation harness end to end on a tiny LLaVA checkpoint: every benchmark with --limit, the predictions
// file, resuming, skipped images, and metrics equal to the scorers' on the same answers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { evalAiAnswer } from "../../src/eval/harness/evalai_answer.ts";
import { type EvaluateOptions, evaluate } from "../../src/eval/harness/evaluate.ts";
import { scoreCaptionFiles } from "../../src/eval/score_caption_files.ts";
import { scoreMmeDir } from "../../src/eval/score_mme_dir.ts";
import { scorePopeFiles } from "../../src/eval/score_pope_files.ts";
import { scoreVqaFiles } from "../../src/eval/score_vqa_files.ts";
import {
  ANSWER_FIELDS,
  EVAL_FIXTURES,
  modelDir,
  tempDir,
  writeImage,
  writeMmeDir,
  writeText,
} from "./harness_setup.ts";

const VQA_QUESTIONS = join(EVAL_FIXTURES, "vqa", "questions.json");
const VQA_ANNOTATIONS = join(EVAL_FIXTURES, "vqa", "annotations.json");
const POPE_SPLITS = ["popular", "random"].map((s) => join(EVAL_FIXTURES, "pope", `coco_pope_${s}.json`));

const readLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");
const readAnswers = (dir: string) => readLines(join(dir, "predictions.jsonl")).map((l) => JSON.parse(l));
const withoutIds = (answers: Array<Record<string, unknown>>) =>
  answers.map(({ answer_id: _, ...rest }) => rest);

function quietly(opts: EvaluateOptions, logs: string[] = []): Promise<Awaited<ReturnType<typeof evaluate>>> {
  return evaluate({ progress: "quiet", log: (line) => logs.push(line), ...opts });
}

async function vqaImages(dir: string, ids: number[]): Promise<void> {
  for (const id of ids) await writeImage(join(dir, `COCO_val2014_${String(id).padStart(12, "0")}.jpg`), id);
}

/** Writes answer lines as evaluate writes them, for injecting known predictions. */
function writeAnswers(
  path: string,
  answers: Array<{ id: number | string; prompt: string; text: string; category?: string }>,
) {
  const lines = answers.map((a) =>
    JSON.stringify({
      question_id: a.id,
      prompt: a.prompt,
      text: a.text,
      answer_id: `a${a.id}`,
      model_id: "m",
      metadata: a.category ? { category: a.category } : {},
    }),
  );
  writeText(path, lines.map((l) => `${l}\n`).join(""));
}

test("VQAv2: answers file, scorer-equal metrics, and a resumed run that matches a full one", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  await vqaImages(images, [42, 43, 44, 45]);
  const opts = {
    model,
    bench: "vqav2" as const,
    data: VQA_QUESTIONS,
    annotations: VQA_ANNOTATIONS,
    images,
    limit: 4,
    decoding: { maxNewTokens: 5 },
  };
  const full = join(root, "full");
  const r = await quietly({ ...opts, output: full, batchSize: 2 });
  assert.deepEqual([r.items, r.answered, r.generated, r.resumed], [4, 4, 4, 0]);
  const answers = readAnswers(full);
  assert.deepEqual(
    answers.map((a) => Object.keys(a)),
    answers.map(() => ANSWER_FIELDS),
  );
  assert.deepEqual(
    answers.map((a) => [a.question_id, a.prompt, a.model_id, a.metadata]),
    [1000, 1001, 1002, 1003].map((id, i) => [
      id,
      `question ${i}?\nAnswer the question using a single word or phrase.`,
      "llava_original",
      {},
    ]),
  );
  for (const a of answers) assert.equal(typeof a.text, "string");
  assert.equal(new Set(answers.map((a) => a.answer_id)).size, 4);

  // The VQA results are the answers through EvalAIAnswerProcessor, and the metrics the scorer's on them.
  const results = JSON.parse(readFileSync(join(full, "vqav2_answers.json"), "utf8"));
  assert.deepEqual(
    results,
    answers.map((a) => ({ question_id: a.question_id, answer: evalAiAnswer(a.text) })),
  );
  const { perQuestion: _, ...scored } = scoreVqaFiles(
    VQA_QUESTIONS,
    VQA_ANNOTATIONS,
    join(full, "vqav2_answers.json"),
  );
  assert.deepEqual(r.metrics, scored);
  assert.deepEqual(JSON.parse(readFileSync(join(full, "metrics.json"), "utf8")).metrics, scored);

  // Resume: the last answer lost and a half-written line left behind; only that item is generated again,
  // alone in its batch, and the answers equal the full run's.
  const resumed = join(root, "resumed");
  const lines = readLines(join(full, "predictions.jsonl"));
  writeText(join(resumed, "predictions.jsonl"), `${lines.slice(0, 3).join("\n")}\n${lines[3].slice(0, 20)}`);
  cpSync(join(full, "run.json"), join(resumed, "run.json"));
  const again = await quietly({ ...opts, output: resumed, batchSize: 1 });
  assert.deepEqual([again.generated, again.resumed, again.answered], [1, 3, 4]);
  assert.deepEqual(withoutIds(readAnswers(resumed)), withoutIds(answers));
  assert.deepEqual(again.metrics, r.metrics);

  // Nothing left to do; other decoding settings are refused for the same directory.
  assert.equal((await quietly({ ...opts, output: resumed })).generated, 0);
  await assert.rejects(
    quietly({ ...opts, output: resumed, decoding: { maxNewTokens: 6 } }),
    /other settings \(max_new_tokens: 5 -> 6\)/,
  );
});

test("missing and undecodable images are skipped and counted; --strict stops on them", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  await vqaImages(images, [42]);
  writeText(join(images, "COCO_val2014_000000000044.jpg"), "not an image");
  const opts = { model, bench: "vqav2" as const, data: VQA_QUESTIONS, images, limit: 3 };
  const logs: string[] = [];
  const r = await quietly({ ...opts, output: join(root, "out"), decoding: { maxNewTokens: 2 } }, logs);
  assert.deepEqual(r.skipped, { image_missing: 1, image_undecodable: 1 });
  assert.deepEqual([r.answered, r.generated], [1, 1]);
  // Without annotations there is nothing to score against.
  assert.equal(r.metrics, null);
  assert.ok(logs.some((l) => /skipping question 1001: image_missing/.test(l)));
  assert.match(logs.at(-1)!, /1\/3 items answered .*skipped 1 image_missing, 1 image_undecodable/);
  await assert.rejects(quietly({ ...opts, output: join(root, "strict"), strict: true }), /image not found/);
});

test("LLaVA question JSONL: the text is used as it stands; VQAv2 results are written for submission", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  await vqaImages(images, [42]);
  const questions = join(root, "llava_vqav2_test.jsonl");
  const text = "What is this?\nAnswer the question using a single word or phrase.";
  writeText(
    questions,
    `${JSON.stringify({ question_id: 7, image: "COCO_val2014_000000000042.jpg", text })}\n`,
  );
  const out = join(root, "out");
  const r = await quietly({
    model,
    bench: "vqav2",
    data: questions,
    images,
    output: out,
    decoding: { maxNewTokens: 3 },
  });
  assert.equal(r.metrics, null);
  const [answer] = readAnswers(out);
  assert.deepEqual([answer.question_id, answer.prompt], [7, text]);
  assert.deepEqual(JSON.parse(readFileSync(join(out, "vqav2_answers.json"), "utf8")), [
    { question_id: 7, answer: evalAiAnswer(answer.text) },
  ]);
});

test("a tokenizer whose ids exceed the model's vocabulary is refused", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  await vqaImages(images, [42]);
  // The test tokenizer with "q" moved to id 150, past the checkpoint's 96 embeddings.
  const tokenizer = join(root, "tokenizer");
  const json = JSON.parse(readFileSync(join(model, "tokenizer.json"), "utf8"));
  json.model.vocab.q = 150;
  writeText(join(tokenizer, "tokenizer.json"), JSON.stringify(json));
  cpSync(join(model, "tokenizer_config.json"), join(tokenizer, "tokenizer_config.json"));
  await assert.rejects(
    quietly({
      model,
      tokenizer,
      bench: "vqav2",
      data: VQA_QUESTIONS,
      images,
      output: join(root, "out"),
      limit: 1,
    }),
    /outside the model's vocabulary \(96\)/,
  );
});

test("POPE: split-tagged answers, and injected answers score as the scorer scores them", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  for (let id = 1; id <= 8; id++)
    await writeImage(join(images, `COCO_val2014_${String(id).padStart(12, "0")}.jpg`), id);
  const opts = { model, bench: "pope" as const, data: POPE_SPLITS, images, decoding: { maxNewTokens: 3 } };
  const r = await quietly({ ...opts, output: join(root, "run"), limit: 8, batchSize: 3 });
  assert.deepEqual([r.answered, r.generated], [8, 8]);
  const answers = readAnswers(join(root, "run"));
  assert.deepEqual(
    answers.map((a) => a.metadata.category),
    [...Array(6).fill("popular"), "random", "random"],
  );
  assert.deepEqual(r.metrics, scorePopeFiles(POPE_SPLITS, join(root, "run", "pope_answers.jsonl")));

  // Known answers for every question: nothing is generated and the metrics are the scorer's on the same answers.
  const injected = join(root, "injected");
  const known = POPE_SPLITS.flatMap((file) => {
    const category = file.includes("popular") ? "popular" : "random";
    return readLines(file).map((l, i) => {
      const q = JSON.parse(l);
      return {
        id: q.question_id as number,
        prompt: `${q.text}\nAnswer the question using a single word or phrase.`,
        text: i % 3 === 0 ? "No, there is not." : "Yes",
        category,
      };
    });
  });
  writeAnswers(join(injected, "predictions.jsonl"), known);
  const answersFile = join(root, "answers.jsonl");
  writeText(
    answersFile,
    known
      .map((k) => `${JSON.stringify({ question_id: k.id, text: k.text, category: k.category })}\n`)
      .join(""),
  );
  const s = await quietly({ ...opts, output: injected });
  assert.equal(s.generated, 0);
  assert.deepEqual(s.metrics, scorePopeFiles(POPE_SPLITS, answersFile));
});

test("MME: per-subtask result files in the official format, scored as the official calculation", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const mme = join(root, "MME_Benchmark_release_version");
  writeMmeDir(mme);
  await writeImage(join(mme, "existence", "0001.png"), 1);
  await writeImage(join(mme, "artwork", "images", "10002.jpg"), 2);
  const opts = { model, bench: "mme" as const, data: mme, decoding: { maxNewTokens: 2 } };
  const r = await quietly({ ...opts, output: join(root, "run"), batchSize: 4 });
  assert.deepEqual(r.skipped, { image_missing: 2 });
  assert.equal(r.answered, 4);
  const answers = readAnswers(join(root, "run"));
  const existence = readLines(join(root, "run", "mme_results", "existence.txt"));
  assert.deepEqual(existence, [
    `0001.png\tIs there a dog in this image? Please answer yes or no.\tYes\t${answers[0].text}`,
    `0001.png\tIs there a cat in this image? Please answer yes or no.\tNo\t${answers[1].text}`,
  ]);
  assert.deepEqual(r.metrics, scoreMmeDir(join(root, "run", "mme_results")));

  // Injected answers for all six questions, against hand-written official result files.
  const injected = join(root, "injected");
  const q = (s: string) => `${s} Please answer yes or no.`;
  const rows: Array<[string, string, string, string, string]> = [
    ["existence/0001.png", "0001.png", q("Is there a dog in this image?"), "Yes", "Yes"],
    ["existence/0001.png", "0001.png", q("Is there a cat in this image?"), "No", "Yes, there is."],
    ["existence/0002", "0002", q("Is there a car in this image?"), "No", "no"],
    ["existence/0002", "0002", q("Is there a bus in this image?"), "Yes", "Yes"],
    [
      "artwork/10002.jpg",
      "10002.jpg",
      "Is this artwork created by Bosch?  Please answer yes or no.",
      "Yes",
      "yes",
    ],
    [
      "artwork/10002.jpg",
      "10002.jpg",
      "Is this artwork created by Dali?  Please answer yes or no.",
      "No",
      "No",
    ],
  ];
  writeAnswers(
    join(injected, "predictions.jsonl"),
    rows.map(([id, , question, , text]) => ({
      id,
      prompt: `${question}\nAnswer the question using a single word or phrase.`,
      text,
      category: id.split("/")[0],
    })),
  );
  const official = join(root, "official");
  for (const subtask of ["existence", "artwork"])
    writeText(
      join(official, `${subtask}.txt`),
      rows
        .filter(([id]) => id.startsWith(subtask))
        .map(([, image, question, gt, pred]) => `${image}\t${question}\t${gt}\t${pred}\n`)
        .join(""),
    );
  const s = await quietly({ ...opts, output: injected });
  assert.equal(s.generated, 0);
  assert.deepEqual(s.metrics, scoreMmeDir(official));
  const { perception } = s.metrics as ReturnType<typeof scoreMmeDir>;
  assert.equal(perception.subtasks.existence.score, 125);
  assert.equal(perception.subtasks.artwork.score, 200);
});

test("COCO captions: caption results per image, scored with the COCO-format annotations", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  for (let id = 1; id <= 3; id++) await writeImage(join(images, `img_${id}.jpg`), id);
  const annotations = join(EVAL_FIXTURES, "caption", "annotations.json");
  const out = join(root, "out");
  const r = await quietly({
    model,
    bench: "coco",
    data: annotations,
    images,
    output: out,
    limit: 3,
    batchSize: 3,
    decoding: { maxNewTokens: 6 },
  });
  const answers = readAnswers(out);
  assert.deepEqual(
    answers.map((a) => [a.question_id, a.prompt]),
    [1, 2, 3].map((id) => [id, "Please provide a description of the picture."]),
  );
  const captions = JSON.parse(readFileSync(join(out, "captions.json"), "utf8"));
  assert.deepEqual(
    captions,
    answers.map((a) => ({ image_id: a.question_id, caption: a.text })),
  );
  assert.deepEqual(r.metrics, scoreCaptionFiles(annotations, join(out, "captions.json")));
});

test("lntune eval (Flickr30k, own caption prompt, llava-hf layout) writes predictions and prints the metrics", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_hf");
  const images = join(root, "images");
  for (let id = 1; id <= 2; id++) await writeImage(join(images, `img_${id}.jpg`), id);
  const out = join(root, "out");
  const annotations = join(EVAL_FIXTURES, "caption", "annotations.json");
  const args = ["eval", "--model", model, "--bench", "flickr30k", "--data", annotations, "--images", images];
  const run = spawnSync(
    process.execPath,
    [
      "bin/lntune.js",
      ...args,
      ...[
        "--output",
        out,
        "--limit",
        "2",
        "--max-new-tokens",
        "4",
        "--prompt",
        "Describe the image.",
        "--quiet",
      ],
    ],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), scoreCaptionFiles(annotations, join(out, "captions.json")));
  assert.deepEqual(
    readAnswers(out).map((a) => a.prompt),
    ["Describe the image.", "Describe the image."],
  );
  writeFileSync(join(out, "unused"), "");
  const bad = spawnSync(process.execPath, ["bin/lntune.js", ...args, "--output", out, "--bench", "nope"], {
    encoding: "utf8",
  });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /expected one of vqav2, coco, flickr30k, pope, mme/);
});
