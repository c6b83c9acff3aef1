// MME scores from a directory of per-subtask answer files `<subtask>.txt` (lines
// `image \t question \t gt \t prediction`, as written for the official calculation script).
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { readTextFile } from "../io/text.ts";
import { MME_SUBTASKS, type MmeScores, mmeScores } from "./metrics/mme.ts";

export function scoreMmeDir(dir: string): MmeScores {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory`);
  const lines = new Map<string, string[]>();
  for (const name of [...MME_SUBTASKS.perception, ...MME_SUBTASKS.cognition]) {
    const path = join(dir, `${name}.txt`);
    if (!existsSync(path)) continue;
    // Python's readlines: universal newlines, and no extra line after a final newline.
    const fileLines = readTextFile(path).split(/\r\n|\r|\n/);
    if (fileLines[fileLines.length - 1] === "") fileLines.pop();
    lines.set(name, fileLines);
  }
  if (lines.size === 0) throw new Error(`${dir}: no MME subtask files (<subtask>.txt) found`);
  try {
    return mmeScores(lines);
  } catch (err) {
    // mmeScores names the subtask file; prefix the directory to give the full path.
    throw new Error(`${dir.replace(/\/+$/, "")}/${err instanceof Error ? err.message : String(err)}`);
  }
}
