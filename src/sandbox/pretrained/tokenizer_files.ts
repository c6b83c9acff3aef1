// A trained BPE written as a Hugging Face LLaMA tokenizer: tokenizer.json in the layout of the legacy Llama
// converter (Prepend "▁" + Replace " " → "▁" normalizer, no pre-tokenizer, BPE with <unk> for unknown
// characters, BOS template, Replace/ByteFallback/Fuse/Strip decoder), tokenizer_config.json as
// LlamaTokenizerFast saves it, and special_tokens_map.json.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { addedToken, llamaTokenizerJson } from "../../io/llama_tokenizer_json.ts";
import type { BpeModel } from "./bpe_trainer.ts";

/** LLaMA's specials with their ids, and a pad token after them. */
export const SPECIAL_TOKENS = { unk: "<unk>", bos: "<s>", eos: "</s>", pad: "<pad>" } as const;
export const SPECIALS_IN_ID_ORDER = [
  SPECIAL_TOKENS.unk,
  SPECIAL_TOKENS.bos,
  SPECIAL_TOKENS.eos,
  SPECIAL_TOKENS.pad,
] as const;

export function tokenizerJson(bpe: BpeModel): Record<string, unknown> {
  SPECIALS_IN_ID_ORDER.forEach((t, id) => {
    if (bpe.vocab[id] !== t) throw new Error(`token ${id} must be ${t}, got ${bpe.vocab[id]}`);
  });
  const vocab: Record<string, number> = {};
  bpe.vocab.forEach((t, id) => {
    vocab[t] = id;
  });
  return llamaTokenizerJson({
    vocab,
    merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    addedTokens: SPECIALS_IN_ID_ORDER.map((t, id) => addedToken(id, t)),
    unkToken: SPECIAL_TOKENS.unk,
    // Characters outside the trained alphabet become <unk>: the sandbox's text is printable ASCII.
    byteFallback: false,
    bos: SPECIAL_TOKENS.bos,
    eos: null,
    idOf: (t) => vocab[t],
  });
}

export function tokenizerConfigJson(modelMaxLength: number): Record<string, unknown> {
  const decoder: Record<string, unknown> = {};
  SPECIALS_IN_ID_ORDER.forEach((t, id) => {
    const { id: _, ...rest } = addedToken(id, t);
    decoder[String(id)] = rest;
  });
  return {
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: decoder,
    bos_token: SPECIAL_TOKENS.bos,
    clean_up_tokenization_spaces: false,
    eos_token: SPECIAL_TOKENS.eos,
    legacy: true,
    model_max_length: modelMaxLength,
    pad_token: SPECIAL_TOKENS.pad,
    padding_side: "right",
    tokenizer_class: "LlamaTokenizerFast",
    unk_token: SPECIAL_TOKENS.unk,
  };
}

export function specialTokensMapJson(): Record<string, string> {
  const { bos, eos, unk, pad } = SPECIAL_TOKENS;
  return { bos_token: bos, eos_token: eos, pad_token: pad, unk_token: unk };
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Writes the three tokenizer files into `dir`. */
export function writeTokenizer(dir: string, bpe: BpeModel, modelMaxLength: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, "tokenizer.json"), json(tokenizerJson(bpe)));
  writeFileAtomic(join(dir, "tokenizer_config.json"), json(tokenizerConfigJson(modelMaxLength)));
  writeFileAtomic(join(dir, "special_tokens_map.json"), json(specialTokensMapJson()));
}
