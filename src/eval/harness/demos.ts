// Text-only in-context demos: previous chat turns drawn from a separate pool. VQAv2 draws
// question/answer pairs; the caption benchmarks pair the caption prompt with ground-truth captions.
import { createHash } from "node:crypto";
import { Rng } from "../../tensor/rng.ts";
import { arrayField, fields, readJson, readJsonLines } from "../read_input.ts";
import type { Bench } from "./types.ts";

export interface Demo {
  question: string;
  answer: string;
}

/**
 * The pool: for VQAv2 a questions file and its annotations file (the answer is multiple_choice_answer), or a
 * question JSONL whose lines carry "answer"; for captions a COCO-format caption file.
 */
export function readDemoPool(bench: Bench, paths: readonly string[], captionPrompt: string): Demo[] {
  if (bench === "coco" || bench === "flickr30k") {
    if (paths.length !== 1) throw new Error(`${bench} demos: expected one COCO-format caption file`);
    const [path] = paths;
    return arrayField(path, readJson(path), "annotations").map((entry, i) => ({
      question: captionPrompt,
      answer: fields(path, `annotation ${i}`, entry).string("caption"),
    }));
  }
  if (bench !== "vqav2") throw new Error(`${bench} takes no demos`);
  if (paths.length === 1 && paths[0].endsWith(".jsonl")) {
    return readJsonLines(paths[0]).map((entry, i) => {
      const f = fields(paths[0], `line ${i + 1}`, entry);
      return { question: f.string("text"), answer: f.string("answer") };
    });
  }
  if (paths.length !== 2)
    throw new Error(
      "vqav2 demos: expected a questions and an annotations file, or a question JSONL with answers",
    );
  const [qPath, aPath] = paths;
  const answers = new Map<string, string>();
  arrayField(aPath, readJson(aPath), "annotations").forEach((entry, i) => {
    const f = fields(aPath, `annotation ${i}`, entry);
    answers.set(String(f.id("question_id")), f.string("multiple_choice_answer"));
  });
  return arrayField(qPath, readJson(qPath), "questions").map((entry, i) => {
    const f = fields(qPath, `question ${i}`, entry);
    const answer = answers.get(String(f.id("question_id")));
    if (answer === undefined) throw new Error(`${aPath}: no annotation for question ${f.id("question_id")}`);
    return { question: f.string("question"), answer };
  });
}

/**
 * `n` distinct demos for one item. The draw is seeded by the seed and the item's key rather than by a running
 * generator, so an item gets the same demos whether or not the run was resumed or limited.
 */
export function drawDemos(pool: readonly Demo[], n: number, seed: number, key: string): Demo[] {
  if (pool.length < n) throw new Error(`the demo pool holds ${pool.length} entries; ${n} are needed`);
  const rng = new Rng(createHash("sha256").update(`${seed}\0${key}`).digest().readUInt32LE(0));
  const picked = new Set<number>();
  while (picked.size < n) picked.add(rng.intUnbiased(pool.length));
  return [...picked].map((i) => pool[i]);
}
