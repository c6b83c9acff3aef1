// The predictions file: LLaVA's answer JSONL, one {question_id, prompt, text, answer_id, model_id, metadata}
// line per answer, appended and flushed batch by batch so that an interrupted run can resume.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync } from "node:fs";
import { writeAll } from "../../io/atomic_write.ts";
import { decodeUtf8, parseJson } from "../../io/text.ts";
import { fields, isRecord } from "../read_input.ts";

export interface AnswerRecord {
  question_id: number | string;
  prompt: string;
  text: string;
  answer_id: string;
  model_id: string;
  metadata: { category?: string };
}

/** Identifies an answer across runs: MME's two questions per image share a question_id and POPE's splits
 * reuse ids, so the prompt and category take part. */
export function answerKey(questionId: number | string, prompt: string, category?: string): string {
  return JSON.stringify([String(questionId), prompt, category ?? null]);
}

export const recordKey = (r: AnswerRecord) => answerKey(r.question_id, r.prompt, r.metadata.category);

/**
 * Reads the answers written so far. A last line without its newline is what a killed run leaves: it is cut
 * off the file (it will be generated again). Any other malformed line is an error.
 */
export function readPredictions(path: string): AnswerRecord[] {
  if (!existsSync(path)) return [];
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) truncateSync(path, end);
  const records: AnswerRecord[] = [];
  decodeUtf8(bytes.subarray(0, end), path)
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = parseJson(line, path, i + 1);
      } catch (err) {
        throw new Error(`${(err as Error).message}; remove the line to resume`);
      }
      const f = fields(path, `line ${i + 1}`, value);
      const metadata = (value as { metadata?: unknown }).metadata;
      records.push({
        question_id: f.id("question_id"),
        prompt: f.string("prompt"),
        text: f.string("text"),
        answer_id: f.string("answer_id"),
        model_id: f.string("model_id"),
        metadata: (isRecord(metadata) ? metadata : {}) as AnswerRecord["metadata"],
      });
    });
  return records;
}

/** Appends answers; each call ends with an fsync, so what it wrote survives a crash that follows. */
export class PredictionWriter {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  append(records: readonly AnswerRecord[]): void {
    if (records.length === 0) return;
    writeAll(this.fd, Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(""), "utf8"));
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
