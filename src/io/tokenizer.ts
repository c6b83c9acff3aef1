// Hugging Face tokenizers (tokenizer.json + tokenizer_config.json) through `@huggingface/tokenizers`.
// BOS/EOS handling follows the tokenizer_config flags when present (as HF's Llama tokenizers do), so a
// converted LLaMA tokenizer behaves like the slow SentencePiece one that LLaVA trains with. A directory with
// only SentencePiece's tokenizer.model (LLaMA-1/2-era repositories) is converted in memory as transformers'
// LlamaTokenizerFast converts it (sentencepiece_convert.ts).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { convertSentencePiece, LLAMA_TOKENIZER_DEFAULTS } from "./sentencepiece_convert.ts";
import { parseSentencePieceModel } from "./sentencepiece_model.ts";
import { decodeUtf8, parseJson } from "./text.ts";
import { tokenContent } from "./tokenizer_config.ts";
import { validateTokenizerJson } from "./tokenizer_json.ts";

export interface EncodeOptions {
  /** Add BOS/EOS as the tokenizer is configured to (HF `add_special_tokens`); default true. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

export interface Tokenizer {
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: readonly number[], options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
  readonly bosToken: string | null;
  readonly eosToken: string | null;
  readonly unkToken: string | null;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  readonly unkTokenId: number | null;
  /** LLaVA sets `pad_token = unk_token` (id 0 for LLaMA); without an unk token the configured pad, then EOS. */
  readonly padTokenId: number;
  readonly addBosToken: boolean;
  readonly addEosToken: boolean;
  /** Added tokens flagged `special`, matched whole inside text (e.g. "</s>"). */
  readonly specialTokens: readonly string[];
  readonly chatTemplate: string | null;
  /** HF `legacy` (default true): whether text after a special token gets SentencePiece's "▁" prefix. */
  readonly legacy: boolean;
  readonly modelMaxLength: number | null;
  /** The parsed tokenizer_config.json, for chat-template variables and anything not surfaced above. */
  readonly config: Readonly<Record<string, unknown>>;
}

function chatTemplateOf(config: Record<string, unknown>): string | null {
  const template = config.chat_template;
  if (typeof template === "string") return template;
  // Newer configs may hold a list of named templates; "default" is the one HF applies.
  if (Array.isArray(template)) {
    const named = template as Array<{ name: string; template: string }>;
    return (named.find((t) => t.name === "default") ?? named[0])?.template ?? null;
  }
  return null;
}

/** Builds a tokenizer from already-parsed tokenizer.json and tokenizer_config.json objects. */
export function createTokenizer(tokenizerJson: object, config: Record<string, unknown> = {}): Tokenizer {
  const hf = new HfTokenizer(tokenizerJson, config);
  const idOf = (token: string | null) => (token === null ? null : (hf.token_to_id(token) ?? null));
  const bosToken = tokenContent(config.bos_token);
  const eosToken = tokenContent(config.eos_token);
  const unkToken = tokenContent(config.unk_token);
  const bosTokenId = idOf(bosToken);
  const eosTokenId = idOf(eosToken);
  const unkTokenId = idOf(unkToken);
  const padTokenId = unkTokenId ?? idOf(tokenContent(config.pad_token)) ?? eosTokenId;
  if (padTokenId === null)
    throw new Error("tokenizer has neither an unk, a pad nor an eos token to pad with");
  // Explicit config flags win over tokenizer.json's post-processor, as in HF's Llama tokenizers.
  const flagsInConfig = "add_bos_token" in config || "add_eos_token" in config;
  const addBosToken = flagsInConfig
    ? config.add_bos_token === true
    : bosTokenId !== null && hf.encode("a", { add_special_tokens: true }).ids[0] === bosTokenId;
  const addEosToken = flagsInConfig ? config.add_eos_token === true : false;
  const specialTokens = [...hf.get_added_tokens_decoder().values()]
    .filter((t) => t.special)
    .map((t) => t.content);
  const maxLength = Number(config.model_max_length);

  return {
    encode(text, { addSpecialTokens = true } = {}) {
      if (!flagsInConfig) return hf.encode(text, { add_special_tokens: addSpecialTokens }).ids;
      const ids = hf.encode(text, { add_special_tokens: false }).ids;
      if (addSpecialTokens && addBosToken && bosTokenId !== null) ids.unshift(bosTokenId);
      if (addSpecialTokens && addEosToken && eosTokenId !== null) ids.push(eosTokenId);
      return ids;
    },
    decode(ids, { skipSpecialTokens = false } = {}) {
      if (ids.length === 0) return "";
      return hf.decode([...ids], { skip_special_tokens: skipSpecialTokens });
    },
    tokenToId: (token) => hf.token_to_id(token),
    idToToken: (id) => hf.id_to_token(id),
    vocabSize: hf.get_vocab(true).size,
    bosToken,
    eosToken,
    unkToken,
    bosTokenId,
    eosTokenId,
    unkTokenId,
    padTokenId,
    addBosToken,
    addEosToken,
    specialTokens,
    chatTemplate: chatTemplateOf(config),
    legacy: config.legacy !== false,
    // HF writes a huge sentinel (1e30) when no limit is known.
    modelMaxLength: Number.isFinite(maxLength) && maxLength < 1e12 ? maxLength : null,
    config,
  };
}

function readJson(path: string): Record<string, unknown> {
  const bytes = readFileSync(path);
  const json = parseJson(decodeUtf8(path.endsWith(".gz") ? gunzipSync(bytes) : bytes, path), path);
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new Error(`${path}: not a JSON object`);
  return json as Record<string, unknown>;
}

/**
 * Loads `tokenizer.json` (or a gzipped `tokenizer.json.gz`) and, if present, `tokenizer_config.json` from
 * `dir`; without a tokenizer.json, converts SentencePiece's `tokenizer.model` (nothing is written).
 */
export function loadTokenizer(dir: string): Tokenizer {
  const configPath = join(dir, "tokenizer_config.json");
  const config = existsSync(configPath) ? readJson(configPath) : {};
  const plain = join(dir, "tokenizer.json");
  const path = existsSync(plain) ? plain : `${plain}.gz`;
  const spmPath = join(dir, "tokenizer.model");
  if (!existsSync(path) && existsSync(spmPath)) return loadSentencePiece(spmPath, config, configPath);
  if (!existsSync(path)) throw new Error(`${dir}: no tokenizer.json (nor a SentencePiece tokenizer.model)`);
  const json = readJson(path);
  validateTokenizerJson(json, path);
  return build(json, config, path);
}

function build(json: object, config: Record<string, unknown>, path: string): Tokenizer {
  try {
    return createTokenizer(json, config);
  } catch (err) {
    // What validation does not cover (an unknown component type, a bad special token) the library reports.
    throw new Error(`${path}: cannot build the tokenizer (${(err as Error).message})`);
  }
}

// Only LLaMA's tokenizer classes convert with the Llama rules; another SentencePiece tokenizer (T5's, XLNet's)
// needs its own converter.
const LLAMA_CLASSES = /^(Code)?LlamaTokenizer(Fast)?$/;

function loadSentencePiece(path: string, fileConfig: Record<string, unknown>, configPath: string): Tokenizer {
  const cls = fileConfig.tokenizer_class;
  if (cls !== undefined && cls !== null && !(typeof cls === "string" && LLAMA_CLASSES.test(cls)))
    throw new Error(
      `${configPath}: tokenizer_class ${JSON.stringify(cls)}: a tokenizer.model converts as LLaMA's only; provide a tokenizer.json`,
    );
  const model = parseSentencePieceModel(readFileSync(path), path);
  // Fields left out take LlamaTokenizer's defaults (an explicit null stays null).
  const config = { ...LLAMA_TOKENIZER_DEFAULTS, ...fileConfig };
  const json = convertSentencePiece(model, config, path, configPath);
  validateTokenizerJson(json, path);
  return build(json, config, path);
}
