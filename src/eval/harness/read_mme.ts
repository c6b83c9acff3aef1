// MME's released benchmark directory (MME_Benchmark_release_version). Two subtask layouts occur there:
//   <subtask>/images/<name>.<ext> with <subtask>/questions_answers_YN/<name>.txt   (artwork, celebrity, ...)
//   <subtask>/<name>.<ext> beside <subtask>/<name>.txt                              (existence, OCR, ...)
// Each txt holds an image's two lines "question \t Yes|No". Items follow the official subtask order
// (then any other folder, sorted) and the txt files' sorted order.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pyStrip } from "../../data/py_string.ts";
import { readTextFile } from "../../io/text.ts";
import { MME_SUBTASKS } from "../metrics/mme.ts";
import { questionText, SHORT_ANSWER_PROMPT } from "./prompts.ts";
import type { EvalItem } from "./types.ts";

const IMAGE_EXTENSION = /\.(jpe?g|png|bmp|gif|webp)$/i;
const YES_NO = "Please answer yes or no.";

interface MmeQuestion {
  subtask: string;
  /** The txt file's name, which convert_answer_to_mme.py keys the ground truth by. */
  txtFile: string;
  /** Image path relative to the benchmark directory; the bare stem when no image file exists. */
  image: string;
  imageName: string;
  question: string;
  answer: string;
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();
const stem = (name: string) => name.slice(0, name.lastIndexOf(".") < 0 ? name.length : name.lastIndexOf("."));

function subtaskDirs(root: string): string[] {
  if (!isDir(root)) throw new Error(`${root}: not an MME benchmark directory`);
  const present = readdirSync(root).filter((name) => isDir(join(root, name)));
  const official = [...MME_SUBTASKS.perception, ...MME_SUBTASKS.cognition].filter((n) => present.includes(n));
  const others = present.filter((n) => !official.includes(n)).sort();
  return [...official, ...others];
}

function readSubtask(root: string, subtask: string): MmeQuestion[] {
  const nested = isDir(join(root, subtask, "images"));
  const imageDir = nested ? join(subtask, "images") : subtask;
  const qaDir = join(root, nested ? join(subtask, "questions_answers_YN") : subtask);
  const images = new Map<string, string>();
  for (const name of readdirSync(join(root, imageDir)))
    if (IMAGE_EXTENSION.test(name)) images.set(stem(name), name);
  const questions: MmeQuestion[] = [];
  for (const txtFile of readdirSync(qaDir)
    .filter((n) => n.endsWith(".txt"))
    .sort()) {
    const path = join(qaDir, txtFile);
    const imageName = images.get(stem(txtFile)) ?? stem(txtFile);
    readTextFile(path)
      .split(/\r\n|\r|\n/)
      .forEach((line, i) => {
        if (line.trim() === "") return;
        // As convert_answer_to_mme.py: line.strip().split('\t') must give exactly question and answer.
        const parts = pyStrip(line).split("\t");
        if (parts.length !== 2) throw new Error(`${path}: line ${i + 1}: expected "question<TAB>answer"`);
        const [question, answer] = parts;
        questions.push({ subtask, txtFile, image: join(imageDir, imageName), imageName, question, answer });
      });
  }
  return questions;
}

function readMmeQuestions(root: string): MmeQuestion[] {
  const questions = subtaskDirs(root).flatMap((subtask) => readSubtask(root, subtask));
  if (questions.length === 0) throw new Error(`${root}: no MME question files found`);
  return questions;
}

/** Items of the benchmark directory; question_id "<subtask>/<image file>", shared by an image's two questions
 * as in LLaVA's llava_mme.jsonl. */
export function readMmeDir(root: string, shortAnswer = true): EvalItem[] {
  return readMmeQuestions(root).map((q) => ({
    questionId: `${q.subtask}/${q.imageName}`,
    image: q.image,
    text: questionText(q.question, shortAnswer),
    category: q.subtask,
    mme: { question: q.question, answer: q.answer, imageName: q.imageName },
  }));
}

/**
 * Ground truth for items of LLaVA's llava_mme.jsonl, found as convert_answer_to_mme.py finds it: subtask and
 * txt file from the question_id, the question from the prompt without the short-answer instruction.
 */
export function attachMmeGroundTruth(items: readonly EvalItem[], root: string): EvalItem[] {
  const gt = new Map<string, MmeQuestion>();
  for (const q of readMmeQuestions(root)) gt.set(`${q.subtask}\t${q.txtFile}\t${q.question}`, q);
  return items.map((item) => {
    const id = String(item.questionId);
    const subtask = id.split("/")[0];
    const last = id.split("/").at(-1)!;
    const txtFile = `${last.split(".")[0]}.txt`;
    let question = item.text.includes(SHORT_ANSWER_PROMPT)
      ? pyStrip(item.text.replaceAll(SHORT_ANSWER_PROMPT, ""))
      : item.text;
    const key = (q: string) => `${subtask}\t${txtFile}\t${q}`;
    if (!question.includes(YES_NO)) {
      question = `${question} ${YES_NO}`;
      // A few MME questions have two spaces before the instruction.
      if (!gt.has(key(question))) question = question.replace(` ${YES_NO}`, `  ${YES_NO}`);
    }
    const found = gt.get(key(question));
    if (!found)
      throw new Error(`question_id ${id}: no ground truth in ${root} for ${JSON.stringify(question)}`);
    return {
      ...item,
      category: subtask,
      mme: { question, answer: found.answer, imageName: found.imageName },
    };
  });
}
