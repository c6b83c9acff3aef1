// Reads LLaVA data files: a JSON list or JSONL (one sample per line), both streamed so large files never sit
// in memory whole. Parse errors name the file, line and column; text that is not UTF-8 is refused.
import { streamJsonArray } from "../io/json_array_stream.ts";
import { parseJson, readTextLines } from "../io/text.ts";

export interface RawRecord {
  /** 0-based position in the file. */
  index: number;
  /** 1-based line where the record starts. */
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

export function readJsonList(path: string): AsyncGenerator<RawRecord> {
  return streamJsonArray(path, "a JSON list of samples");
}

/** JSONL for `.jsonl` files, a JSON list otherwise. */
export function readDataset(path: string): AsyncGenerator<RawRecord> {
  return path.endsWith(".jsonl") ? readJsonl(path) : readJsonList(path);
}
