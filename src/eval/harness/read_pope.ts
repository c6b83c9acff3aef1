// POPE's split files (coco_pope_{random,popular,adversarial}.json, JSON lines of
// {question_id, image, text, label}), given as files or as the directory holding them.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fields, readJsonLines } from "../read_input.ts";
import { popeSplitName } from "../score_pope_files.ts";
import { questionText } from "./prompts.ts";
import type { EvalItem } from "./types.ts";

/** The split files named by `paths`; a directory stands for its *.json / *.jsonl files, sorted. */
export function popeSplitFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path).isDirectory()) return [path];
    const files = readdirSync(path)
      .filter((name) => /\.jsonl?$/.test(name))
      .sort()
      .map((name) => join(path, name));
    if (files.length === 0) throw new Error(`${path}: no POPE split files (*.json) in the directory`);
    return files;
  });
}

/** Items of every split in order; each carries its split name, since the splits reuse question ids. */
export function readPopeSplits(files: readonly string[], shortAnswer = true): EvalItem[] {
  return files.flatMap((path) => {
    const category = popeSplitName(path);
    return readJsonLines(path).map((entry, i) => {
      const f = fields(path, `line ${i + 1}`, entry);
      return {
        questionId: f.id("question_id"),
        image: f.string("image"),
        text: questionText(f.string("text"), shortAnswer),
        category,
      };
    });
  });
}
