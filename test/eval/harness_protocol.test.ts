// The paper's evaluation protocol: v0 prompts with text-only demos, seeded demo draws,
// answer post-processing, and an end-to-end run through the CLI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { getTemplate } from "../../src/data/templates/index.ts";
import { type Demo, drawDemos, readDemoPool } from "../../src/eval/harness/demos.ts";
import { evaluate } from "../../src/eval/harness/evaluate.ts";
import { loadBenchInput } from "../../src/eval/harness/load_items.ts";
import { DEFAULT_CAPTION_PROMPT, renderPrompt } from "../../src/eval/harness/prompts.ts";
import { paperAnswer, protocolSettings } from "../../src/eval/harness/protocol.ts";
import { EVAL_FIXTURES, modelDir, tempDir, writeImage, writeMmeDir, writeText } from "./harness_setup.ts";

const VQA_QUESTIONS = join(EVAL_FIXTURES, "vqa", "questions.json");
const VQA_ANNOTATIONS = join(EVAL_FIXTURES, "vqa", "annotations.json");
const CAPTIONS = join(EVAL_FIXTURES, "caption", "annotations.json");
const POPE_RANDOM = join(EVAL_FIXTURES, "pope", "coco_pope_random.json");

const v0 = getTemplate("v0");
// System prompt and example dialogue, golden-tested in test/data/templates_v0.test.ts.
const HEAD = v0.render([]);

const paperInput = (bench: "vqav2" | "coco" | "pope" | "mme", data: string) =>
  loadBenchInput({
    bench,
    data: [data],
    images: ".",
    captionPrompt: DEFAULT_CAPTION_PROMPT,
    shortAnswer: false,
  });

test("paper prompts: v0, demos as previous turns for VQAv2 and captions, bare questions, zero-shot MME / POPE", () => {
  const vqaDemos: Demo[] = [
    { question: "What color is the sky?", answer: "blue" },
    { question: "How many dogs?", answer: "2" },
    { question: "Is it raining?", answer: "no" },
  ];
  const vqa = paperInput("vqav2", VQA_QUESTIONS).items[0];
  assert.equal(
    renderPrompt(v0, vqa.text, false, vqaDemos),
    `${HEAD}Human: What color is the sky?###Assistant: blue###Human: How many dogs?###Assistant: 2###` +
      "Human: Is it raining?###Assistant: no###Human: <image>\nquestion 0?###Assistant:",
  );

  const captionDemos = ["A dog.", "Two cats on a bed.", "A red bus."].map((answer) => ({
    question: DEFAULT_CAPTION_PROMPT,
    answer,
  }));
  const caption = paperInput("coco", CAPTIONS).items[0];
  assert.equal(
    renderPrompt(v0, caption.text, false, captionDemos),
    `${HEAD}Human: Please provide a description of the picture.###Assistant: A dog.###` +
      "Human: Please provide a description of the picture.###Assistant: Two cats on a bed.###" +
      "Human: Please provide a description of the picture.###Assistant: A red bus.###" +
      "Human: <image>\nPlease provide a description of the picture.###Assistant:",
  );

  const pope = paperInput("pope", POPE_RANDOM).items[0];
  assert.equal(
    renderPrompt(v0, pope.text),
    `${HEAD}Human: <image>\nIs there a thing 1 in the image?###Assistant:`,
  );

  const mmeDir = join(tempDir(), "mme");
  writeMmeDir(mmeDir);
  const mme = paperInput("mme", mmeDir).items.find((i) => i.category === "existence")!;
  assert.equal(
    renderPrompt(v0, mme.text),
    `${HEAD}Human: <image>\nIs there a dog in this image? Please answer yes or no.###Assistant:`,
  );
  assert.equal(protocolSettings("paper", "mme").demos, 0);
  assert.equal(protocolSettings("paper", "pope").demos, 0);
});

test("demo pools and seeded draws", () => {
  const pool = readDemoPool("vqav2", [VQA_QUESTIONS, VQA_ANNOTATIONS], DEFAULT_CAPTION_PROMPT);
  assert.equal(pool.length, 23);
  assert.deepEqual(pool[0], { question: "question 0?", answer: "yes" });
  const jsonl = join(tempDir(), "demos.jsonl");
  writeText(jsonl, '{"question_id": 1, "image": "a.jpg", "text": "Why?", "answer": "because"}\n');
  assert.deepEqual(readDemoPool("vqav2", [jsonl], DEFAULT_CAPTION_PROMPT), [
    { question: "Why?", answer: "because" },
  ]);
  const captions = readDemoPool("flickr30k", [CAPTIONS], "Describe.");
  assert.deepEqual(captions[0], {
    question: "Describe.",
    answer: "A man riding a wave on top of a surfboard.",
  });

  const draw = drawDemos(pool, 3, 42, "item");
  assert.equal(new Set(draw).size, 3);
  assert.deepEqual(drawDemos(pool, 3, 42, "item"), draw);
  const keys = Array.from({ length: 8 }, (_, i) => `item ${i}`);
  const bySeed = (seed: number) => keys.map((k) => drawDemos(pool, 3, seed, k));
  assert.deepEqual(bySeed(42), bySeed(42));
  assert.notDeepEqual(bySeed(42), bySeed(43));
  assert.notDeepEqual(bySeed(42)[0], bySeed(42)[1]);
  assert.throws(() => drawDemos(pool.slice(0, 2), 3, 42, "item"), /holds 2 entries; 3 are needed/);
});

test("paper post-processing: cut at Question / Answer / ### / </s>; VQAv2 yes / no", () => {
  const cases: Array<[string, "vqav2" | "coco" | "pope", string]> = [
    ["red###Human: what", "vqav2", "red"],
    [" two Question: how many", "vqav2", "two"],
    ["cat</s>dog", "vqav2", "cat"],
    ["blue Answer: green", "vqav2", "blue"],
    ["yes, it is", "vqav2", "Yes"],
    ["No.", "vqav2", "No"],
    ["Yes or no", "vqav2", "Yes"],
    ["eyes", "vqav2", "eyes"],
    ["nothing", "vqav2", "nothing"],
    ["###", "vqav2", ""],
    ["A dog on a sofa.###Human:", "coco", "A dog on a sofa."],
    ["yes, a dog", "coco", "yes, a dog"],
    ["No, there is not.###", "pope", "No, there is not."],
  ];
  for (const [raw, bench, want] of cases) assert.equal(paperAnswer(raw, bench), want, JSON.stringify(raw));
});

test("lntune eval --protocol paper: v0 sampling defaults and demos recorded, post-processed answers", async () => {
  const root = tempDir();
  const model = modelDir(root, "llava_original");
  const images = join(root, "images");
  for (const id of [42, 43])
    await writeImage(join(images, `COCO_val2014_${String(id).padStart(12, "0")}.jpg`), id);
  const out = join(root, "out");
  const base = ["bin/lntune.js", "eval", "--model", model, "--bench", "vqav2", "--images", images];
  const args = [
    ...base,
    ...["--data", VQA_QUESTIONS, "--annotations", VQA_ANNOTATIONS, "--output", out, "--protocol", "paper"],
    ...["--limit", "2", "--quiet"],
  ];
  const run = spawnSync(process.execPath, [...args, "--demos", VQA_QUESTIONS, VQA_ANNOTATIONS], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  const answers = readFileSync(join(out, "predictions.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    answers.map((a) => a.prompt),
    ["question 0?", "question 1?"],
  );
  for (const a of answers) assert.equal(paperAnswer(a.text, "vqav2"), a.text);
  const settings = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.deepEqual(
    [settings.protocol, settings.template, settings.temperature, settings.top_k, settings.max_new_tokens],
    ["paper", "v0", 0.2, 50, 10],
  );
  assert.deepEqual(
    [settings.seed, settings.demos, settings.demo_count, settings.demo_seed],
    [42, `${VQA_QUESTIONS}, ${VQA_ANNOTATIONS}`, 3, 42],
  );

  // A resumed run with other settings is refused; a missing demo pool is named.
  const other = spawnSync(
    process.execPath,
    [...args, "--demos", VQA_QUESTIONS, VQA_ANNOTATIONS, "--temperature", "0.5"],
    { encoding: "utf8" },
  );
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /temperature: 0.2 -> 0.5/);
  const noDemos = spawnSync(process.execPath, args, { encoding: "utf8" });
  assert.notEqual(noDemos.status, 0);
  assert.match(noDemos.stderr, /vqav2 under the paper protocol needs --demos/);
  await assert.rejects(
    evaluate({ model, bench: "coco", data: CAPTIONS, images, output: join(root, "c"), protocol: "paper" }),
    /coco under the paper protocol needs --demos: a COCO-format caption file/,
  );
  await assert.rejects(
    evaluate({
      model,
      bench: "pope",
      data: POPE_RANDOM,
      images,
      output: join(root, "p"),
      protocol: "paper",
      template: "vicuna_v1",
    }),
    /the paper protocol uses template v0, not vicuna_v1/,
  );
});
