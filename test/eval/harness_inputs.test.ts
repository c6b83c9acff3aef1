// Evaluation harness without a model: prompts as LLaVA builds them, the benchmark readers, and the
// conversions into the scorers' inputs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { getTemplate } from "../../src/data/templates/index.ts";
import { modelNameFromPath } from "../../src/eval/harness/eval_model.ts";
import { evalAiAnswer } from "../../src/eval/harness/evalai_answer.ts";
import { loadBenchInput } from "../../src/eval/harness/load_items.ts";
import { readPredictions } from "../../src/eval/harness/predictions_file.ts";
import { DEFAULT_CAPTION_PROMPT, renderPrompt, shortAnswerText } from "../../src/eval/harness/prompts.ts";
import { EVAL_FIXTURES, tempDir, writeMmeDir, writeText } from "./harness_setup.ts";

const SYSTEM =
  "A chat between a curious user and an artificial intelligence assistant. " +
  "The assistant gives helpful, detailed, and polite answers to the user's questions.";

test("prompts: vicuna_v1 short-answer and caption prompts, exactly as model_vqa_loader renders them", () => {
  const vicuna = getTemplate("vicuna_v1");
  assert.equal(
    renderPrompt(vicuna, shortAnswerText("What color is the bus?")),
    `${SYSTEM} USER: <image>\nWhat color is the bus?\nAnswer the question using a single word or phrase. ASSISTANT:`,
  );
  assert.equal(
    renderPrompt(vicuna, shortAnswerText("Is there a dog in this image? Please answer yes or no.")),
    `${SYSTEM} USER: <image>\nIs there a dog in this image? Please answer yes or no.\n` +
      "Answer the question using a single word or phrase. ASSISTANT:",
  );
  assert.equal(
    renderPrompt(vicuna, DEFAULT_CAPTION_PROMPT),
    `${SYSTEM} USER: <image>\nPlease provide a description of the picture. ASSISTANT:`,
  );
  assert.equal(
    renderPrompt(vicuna, "Describe it.", true),
    `${SYSTEM} USER: <im_start><image><im_end>\nDescribe it. ASSISTANT:`,
  );
});

test("VQAv2 questions: COCO image names from data_subtype, the short-answer suffix", () => {
  const { items, groundTruth } = loadBenchInput({
    bench: "vqav2",
    data: [join(EVAL_FIXTURES, "vqa", "questions.json")],
    annotations: join(EVAL_FIXTURES, "vqa", "annotations.json"),
    images: "img",
    captionPrompt: DEFAULT_CAPTION_PROMPT,
  });
  assert.deepEqual(items[0], {
    questionId: 1000,
    image: "COCO_val2014_000000000042.jpg",
    text: "question 0?\nAnswer the question using a single word or phrase.",
  });
  assert.equal(groundTruth?.bench, "vqav2");
});

test("LLaVA's VQAv2/caption question JSONL with --annotations is refused: nothing could be scored", () => {
  const dir = tempDir();
  const jsonl = join(dir, "llava_vqav2.jsonl");
  writeText(jsonl, '{"question_id": 1000, "image": "a.jpg", "text": "q?"}\n');
  for (const bench of ["vqav2", "coco", "flickr30k"] as const) {
    const input = { bench, data: [jsonl], images: dir, captionPrompt: DEFAULT_CAPTION_PROMPT };
    assert.throws(
      () => loadBenchInput({ ...input, annotations: join(EVAL_FIXTURES, "vqa", "annotations.json") }),
      /llava_vqav2\.jsonl: LLaVA's question JSONL cannot be scored against --annotations/,
    );
    assert.equal(loadBenchInput(input).groundTruth, null);
  }
});

test("POPE: a directory of split files gives every split's items, tagged with the split", () => {
  const dir = tempDir();
  const pope = join(EVAL_FIXTURES, "pope");
  for (const split of ["random", "popular"]) {
    const file = `coco_pope_${split}.json`;
    writeText(join(dir, file), readFileSync(join(pope, file), "utf8"));
  }
  const { items, groundTruth } = loadBenchInput({
    bench: "pope",
    data: [dir],
    images: "img",
    captionPrompt: DEFAULT_CAPTION_PROMPT,
  });
  assert.deepEqual(items[0], {
    questionId: 1,
    image: "COCO_val2014_000000000001.jpg",
    text: "Is there a thing 1 in the image?\nAnswer the question using a single word or phrase.",
    category: "popular",
  });
  assert.deepEqual(new Set(items.map((i) => i.category)), new Set(["popular", "random"]));
  assert.deepEqual(groundTruth, {
    bench: "pope",
    splits: [join(dir, "coco_pope_popular.json"), join(dir, "coco_pope_random.json")],
  });
});

test("MME: both directory layouts, official subtask order, LLaVA's question ids", () => {
  const dir = tempDir();
  writeMmeDir(dir);
  writeText(join(dir, "existence", "0001.png"), "");
  writeText(join(dir, "artwork", "images", "10002.jpg"), "");
  const { items } = loadBenchInput({ bench: "mme", data: [dir], images: dir, captionPrompt: "" });
  assert.deepEqual(
    items.map((i) => [i.questionId, i.image, i.category]),
    [
      ["existence/0001.png", "existence/0001.png", "existence"],
      ["existence/0001.png", "existence/0001.png", "existence"],
      // No image file: the stem stands for it, and the item is later skipped as missing.
      ["existence/0002", "existence/0002", "existence"],
      ["existence/0002", "existence/0002", "existence"],
      ["artwork/10002.jpg", "artwork/images/10002.jpg", "artwork"],
      ["artwork/10002.jpg", "artwork/images/10002.jpg", "artwork"],
    ],
  );
  assert.equal(
    items[0].text,
    "Is there a dog in this image? Please answer yes or no.\nAnswer the question using a single word or phrase.",
  );
  assert.deepEqual(items[5].mme, {
    question: "Is this artwork created by Dali?  Please answer yes or no.",
    answer: "No",
    imageName: "10002.jpg",
  });

  // LLaVA's llava_mme.jsonl: ground truth found as convert_answer_to_mme.py finds it, including the
  // questions with two spaces before the instruction.
  const jsonl = join(dir, "llava_mme.jsonl");
  writeText(
    jsonl,
    [
      {
        question_id: "artwork/10002.jpg",
        image: "artwork/images/10002.jpg",
        text: "Is this artwork created by Bosch?\nAnswer the question using a single word or phrase.",
      },
      {
        question_id: "existence/0001.png",
        image: "existence/0001.png",
        text: "Is there a cat in this image? Please answer yes or no.\nAnswer the question using a single word or phrase.",
      },
    ]
      .map((l) => `${JSON.stringify(l)}\n`)
      .join(""),
  );
  const generic = loadBenchInput({ bench: "mme", data: [jsonl], images: dir, captionPrompt: "" });
  assert.deepEqual(
    generic.items.map((i) => [i.category, i.mme?.answer, i.mme?.question]),
    [
      ["artwork", "Yes", "Is this artwork created by Bosch?  Please answer yes or no."],
      ["existence", "No", "Is there a cat in this image? Please answer yes or no."],
    ],
  );
});

test("EvalAIAnswerProcessor as LLaVA applies it before VQAv2 submission", () => {
  assert.equal(evalAiAnswer("Yes"), "yes");
  assert.equal(evalAiAnswer("Two dogs."), "2 dogs");
  assert.equal(evalAiAnswer("The man's hat"), "man 's hat");
  assert.equal(evalAiAnswer("  dont know?\n"), "don't know");
  assert.equal(evalAiAnswer("1,000"), "1000");
});

test("model_id follows get_model_name_from_path", () => {
  assert.equal(modelNameFromPath("/ckpt/llava-v1.5-7b/"), "llava-v1.5-7b");
  assert.equal(modelNameFromPath("runs/ln/checkpoint-500"), "ln_checkpoint-500");
});

test("predictions file: a line cut short by a killed run is removed, other damage is an error", () => {
  const dir = tempDir();
  const path = join(dir, "predictions.jsonl");
  const line = JSON.stringify({
    question_id: 1,
    prompt: "p",
    text: "yes",
    answer_id: "a",
    model_id: "m",
    metadata: {},
  });
  writeText(path, `${line}\n{"question_id": 2, "pro`);
  assert.equal(readPredictions(path).length, 1);
  assert.equal(readFileSync(path, "utf8"), `${line}\n`);
  writeText(path, `{"question_id"\n${line}\n`);
  assert.throws(() => readPredictions(path), /:1:\d+: not valid JSON .*remove the line to resume/);
});
