// Reads LLaVA data files: a JSON list, or JSONL (one sample per line) read as a stream so large files never sit
// in memory whole. Parse errors name the file and the line (JSONL) or line:column (JSON).
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";

export class DataFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataFormatError";
  }
}

export interface RawRecord {
  /** 0-based position in the file. */
  index: number;
  /** 1-based line for JSONL records. */
  line?: number;
  value: unknown;
}

export async function* readJsonl(path: string): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  let index = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new DataFormatError(`${path}:${line}: ${(err as Error).message}`);
    }
    yield { index: index++, line, value };
  }
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  return `${line}:${position - before.lastIndexOf("\n")}`;
}

export async function* readJsonList(path: string): AsyncGenerator<RawRecord> {
  const text = await readFile(path, "utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? `:${lineColumn(text, Number(position[1]))}` : "";
    throw new DataFormatError(`${path}${where}: ${message}`);
  }
  if (!Array.isArray(data)) throw new DataFormatError(`${path}: expected a JSON list of samples`);
  for (let index = 0; index < data.length; index++) yield { index, value: data[index] };
}

/** JSONL for `.jsonl` files, a JSON list otherwise. */
export function readDataset(path: string): AsyncGenerator<RawRecord> {
  return path.endsWith(".jsonl") ? readJsonl(path) : readJsonList(path);
}
