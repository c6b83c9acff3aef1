// Reads LLaVA data files: a JSON list, or JSONL (one sample per line) read as a stream so large files never sit
// in memory whole. Parse errors name the file, line and column; text that is not UTF-8 is refused.
import { parseJson, readTextFile, readTextLines } from "../io/text.ts";

export interface RawRecord {
  /** 0-based position in the file. */
  index: number;
  /** 1-based line for JSONL records. */
  line?: number;
  value: unknown;
}

export async function* readJsonl(path: string): AsyncGenerator<RawRecord> {
  let index = 0;
  for await (const { line, text } of readTextLines(path)) {
    if (text.trim() === "") continue;
    yield { index: index++, line, value: parseJson(text, path, line) };
  }
}

export async function* readJsonList(path: string): AsyncGenerator<RawRecord> {
  const data = parseJson(readTextFile(path), path);
  if (!Array.isArray(data)) throw new Error(`${path}: expected a JSON list of samples`);
  for (let index = 0; index < data.length; index++) yield { index, value: data[index] };
}

/** JSONL for `.jsonl` files, a JSON list otherwise. */
export function readDataset(path: string): AsyncGenerator<RawRecord> {
  return path.endsWith(".jsonl") ? readJsonl(path) : readJsonList(path);
}
