// Paths of the tokenizer fixtures and a non-legacy variant of the LLaMA-2 one (Metaspace, prepend "first"),
// as HF's converter writes for `legacy: false`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { createTokenizer, type Tokenizer } from "../../src/io/tokenizer.ts";

export const LLAMA2_DIR = fileURLToPath(new URL("../../assets/tokenizers/llama2", import.meta.url));
export const LLAMA3_DIR = fileURLToPath(new URL("../fixtures/tokenizers/llama3", import.meta.url));

export function readFixture(dir: string): { json: Record<string, unknown>; config: Record<string, unknown> } {
  return {
    json: JSON.parse(gunzipSync(readFileSync(`${dir}/tokenizer.json.gz`)).toString("utf8")),
    config: JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, "utf8")),
  };
}

export function nonLegacyLlama2(): Tokenizer {
  const { json, config } = readFixture(LLAMA2_DIR);
  json.normalizer = null;
  json.pre_tokenizer = { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false };
  return createTokenizer(json, { ...config, legacy: false });
}

/** Meta-Llama-3-Instruct's chat template, which honours add_generation_prompt. */
export const LLAMA3_INSTRUCT_TEMPLATE =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + " +
  "message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}" +
  "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}" +
  "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
