// Shared setup of the evaluation-harness tests: a tiny LLaVA checkpoint beside a 96-token character-level
// tokenizer, generated images and small benchmark inputs, all in a temporary directory.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after } from "node:test";
import sharp from "sharp";

const ROOT = join(import.meta.dirname, "..", "fixtures");
export const EVAL_FIXTURES = join(ROOT, "eval");
const TOKENIZER = join(ROOT, "eval", "harness", "tokenizer");

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lntune-eval-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of a tiny test checkpoint with the test tokenizer beside it. */
export function modelDir(root: string, fixture: "llava_original" | "llava_hf" | "llava_hf_f16"): string {
  const dir = join(root, fixture);
  cpSync(join(ROOT, "models", fixture), dir, { recursive: true });
  for (const f of ["expected.json", "expected.safetensors", "inputs.json"])
    rmSync(join(dir, f), { force: true });
  cpSync(TOKENIZER, dir, { recursive: true });
  return dir;
}

/** A small PNG (whatever the extension) of one colour per image, varied by `seed`. */
export async function writeImage(path: string, seed: number, width = 40, height = 30): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (seed * 53 + i * 7) % 256;
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Fields an answer line holds, in LLaVA's order. */
export const ANSWER_FIELDS = ["question_id", "prompt", "text", "answer_id", "model_id", "metadata"];

/** An MME directory with both released layouts: flat (existence) and images/ + questions_answers_YN/ (artwork). */
export function writeMmeDir(root: string): void {
  writeText(
    join(root, "existence", "0001.txt"),
    "Is there a dog in this image? Please answer yes or no.\tYes\nIs there a cat in this image? Please answer yes or no.\tNo\n",
  );
  writeText(
    join(root, "existence", "0002.txt"),
    "Is there a car in this image? Please answer yes or no.\tNo\nIs there a bus in this image? Please answer yes or no.\tYes\n",
  );
  writeText(
    join(root, "artwork", "questions_answers_YN", "10002.txt"),
    "Is this artwork created by Bosch?  Please answer yes or no.\tYes\nIs this artwork created by Dali?  Please answer yes or no.\tNo\n",
  );
}
