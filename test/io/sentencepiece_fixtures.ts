// The SentencePiece fixtures (tools/make_sentencepiece_fixtures.py): models with sentencepiece's own goldens.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const SPM_MODELS = ["spm-bpe-bytes", "spm-bpe-unk", "llama2-sentencepiece"] as const;
export type SpmModel = (typeof SPM_MODELS)[number];

export const spmDir = (name: SpmModel) =>
  fileURLToPath(new URL(`../fixtures/tokenizers/${name}`, import.meta.url));

export interface SpmGoldens {
  source: string;
  spec: Record<string, string | number | boolean>;
  piece_count: number;
  pieces: Array<[string, number, number]> | null;
  strings: string[];
  ids: number[][];
  decoded: string[];
  ids_no_dummy_prefix: number[][];
}

export const readGoldens = (name: SpmModel): SpmGoldens =>
  JSON.parse(readFileSync(join(spmDir(name), "goldens.json"), "utf8"));

export const readModelBytes = (name: SpmModel) => readFileSync(join(spmDir(name), "tokenizer.model"));

/** A fresh directory holding `model` (bytes or a fixture's name) and, if given, a tokenizer_config.json. */
export function tokenizerDir(model: SpmModel | Uint8Array, config?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "lntune-spm-"));
  if (typeof model === "string")
    copyFileSync(join(spmDir(model), "tokenizer.model"), join(dir, "tokenizer.model"));
  else writeFileSync(join(dir, "tokenizer.model"), model);
  if (config) writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
  return dir;
}
