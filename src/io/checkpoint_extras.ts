// The files of a checkpoint directory besides its weights (config.json, tokenizer and preprocessor files,
// generation config, chat template, sub-directories such as the original LLaVA layout's vision tower),
// which a tool rewriting the weights carries over as they are.

import { copyFileSync, cpSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Weight files are rewritten, never copied. */
export const WEIGHT_FILE = /\.(safetensors|bin|pt|pth|ckpt)$|\.index\.json$/;

/** Copies every top-level file of `from` that is not a weight file into `to`, and each sub-directory
 * through `copyDir` (by default copied whole). */
export function copyCheckpointExtras(
  from: string,
  to: string,
  copyDir: (from: string, to: string) => void = (a, b) => cpSync(a, b, { recursive: true }),
): void {
  for (const f of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, f.name);
    if (f.isDirectory()) copyDir(source, join(to, f.name));
    else if (f.isFile() && !WEIGHT_FILE.test(f.name)) copyFileSync(source, join(to, f.name));
  }
}
