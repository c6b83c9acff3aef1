// tokenizer.model → tokenizer.json as transformers' LlamaTokenizerFast converts it. Goldens: sentencepiece's
// own encodings and decodings (tools/make_sentencepiece_fixtures.py, Debian's python3-sentencepiece 0.1.97)
// and, for LLaMA's model, the shipped assets/tokenizers/llama2/tokenizer.json (LLaMA-2's HF tokenizer.json,
// whose ids tokenizer.test.ts checks against llama-tokenizer-js).
//
// Where the converted tokenizer and sentencepiece differ, by design of transformers' conversion:
//  - text that spells an added token ("</s>", "<unk>", a user-defined symbol) is that token, where
//    sentencepiece splits the characters;
//  - legacy: every segment after an added token gets the "▁" prefix again (sentencepiece sees one text);
//  - legacy false: a text that starts with " " or "▁" gets no second "▁" (Metaspace prepends only to text
//    that does not start with one), where sentencepiece's dummy prefix always adds one;
//  - decoding writes "<unk>" for the unknown token, where sentencepiece writes " ⁇ ";
//  - decoding drops a U+FEFF made of byte-fallback tokens (the tokenizers library decodes bytes with a
//    TextDecoder that strips a leading BOM); LLaMA's vocabulary has U+FEFF as a piece, so it is kept there.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { convertSentencePiece, LLAMA_TOKENIZER_DEFAULTS } from "../../src/io/sentencepiece_convert.ts";
import { parseSentencePieceModel } from "../../src/io/sentencepiece_model.ts";
import { createTokenizer, loadTokenizer } from "../../src/io/tokenizer.ts";
import { bytesField, concat, specField, varintField } from "./protobuf_writer.ts";
import {
  readGoldens,
  readModelBytes,
  SPM_MODELS,
  type SpmGoldens,
  type SpmModel,
  tokenizerDir,
} from "./sentencepiece_fixtures.ts";
import { LLAMA2_DIR, nonLegacyLlama2, readFixture } from "./tokenizer_fixtures.ts";

// Text spelling an added token of one of the models.
const ADDED = ["<unk>", "<s>", "</s>", "<pad>", "<ctrl>", "<sep>"];
const plain = (s: string) => !ADDED.some((t) => s.includes(t));
const noSpecials = { addSpecialTokens: false };

const load = (name: SpmModel, config: Record<string, unknown> = {}) =>
  loadTokenizer(tokenizerDir(name, config));

/** What the converted tokenizer should give for text with no added token in it, from sentencepiece's ids. */
function expectedIds(g: SpmGoldens, i: number, legacy: boolean): number[] {
  const s = g.strings[i];
  return !legacy && (s.startsWith(" ") || s.startsWith("▁")) ? g.ids_no_dummy_prefix[i] : g.ids[i];
}

test("LLaMA's tokenizer.model converts to the shipped assets/tokenizers/llama2/tokenizer.json, field for field", () => {
  const { json, config } = readFixture(LLAMA2_DIR);
  const model = parseSentencePieceModel(readModelBytes("llama2-sentencepiece"), "tokenizer.model");
  const converted = convertSentencePiece(model, { ...LLAMA_TOKENIZER_DEFAULTS, ...config }, "m", "c") as {
    model: { merges: string[][] };
  };
  const merges = converted.model.merges.map((m) => m.join(" "));
  assert.equal(merges.length, 61249);
  assert.deepEqual(JSON.parse(JSON.stringify({ ...converted, model: { ...converted.model, merges } })), json);
});

for (const legacy of [true, false])
  test(`legacy ${legacy}: ids equal sentencepiece's on 300 strings for each model (leading " "/"▁" as Metaspace treats it)`, () => {
    for (const name of SPM_MODELS) {
      const g = readGoldens(name);
      const tok = load(name, { legacy });
      let compared = 0;
      g.strings.forEach((s, i) => {
        if (!plain(s)) return;
        assert.deepEqual(
          tok.encode(s, noSpecials),
          expectedIds(g, i, legacy),
          `${name} ${JSON.stringify(s)}`,
        );
        compared++;
      });
      assert.ok(compared >= 295, `${name}: ${compared}`);
      // BOS by LlamaTokenizer's default add_bos_token.
      const hello = g.strings.indexOf("Hello world!");
      assert.deepEqual(tok.encode("Hello world!"), [1, ...g.ids[hello]]);
    }
  });

test("text after a special token: '▁' again in legacy mode, none with legacy false (sentencepiece's ids per segment)", () => {
  for (const name of SPM_MODELS) {
    const g = readGoldens(name);
    const legacy = load(name, { legacy: true });
    const nonLegacy = load(name, { legacy: false });
    const tokens =
      name === "spm-bpe-unk" ? ["</s>", "<s>", "<unk>", "<sep>", "<ctrl>"] : ["</s>", "<s>", "<unk>"];
    const picks = g.strings.map((_, i) => i).filter((i) => plain(g.strings[i]));
    for (let k = 0; k < 60; k++) {
      const a = picks[(k * 7) % picks.length];
      const b = picks[(k * 13 + 5) % picks.length];
      const token = tokens[k % tokens.length];
      const id = legacy.tokenToId(token)!;
      const text = g.strings[a] + token + g.strings[b];
      const what = `${name} ${JSON.stringify(text)}`;
      assert.deepEqual(legacy.encode(text, noSpecials), [...g.ids[a], id, ...g.ids[b]], what);
      assert.deepEqual(
        nonLegacy.encode(text, noSpecials),
        [...expectedIds(g, a, false), id, ...g.ids_no_dummy_prefix[b]],
        what,
      );
    }
  }
});

test("decoding equals sentencepiece's, but for '<unk>' written as such and a byte-fallback U+FEFF dropped", () => {
  for (const name of SPM_MODELS) {
    const g = readGoldens(name);
    const tok = load(name);
    g.ids.forEach((ids, i) => {
      let want = g.decoded[i].replaceAll(" ⁇ ", "<unk>");
      if (name === "spm-bpe-bytes") want = want.replaceAll("\ufeff", "");
      assert.equal(tok.decode(ids), want, `${name} ${JSON.stringify(g.strings[i])}`);
    });
  }
  const unk = load("spm-bpe-unk");
  assert.equal(unk.decode(unk.encode("a\tb", noSpecials)), "a<unk>b");
});

test("LLaMA's tokenizer.model gives the shipped tokenizer.json's ids, legacy and not, special tokens included", () => {
  const { json, config } = readFixture(LLAMA2_DIR);
  const shipped = createTokenizer(json, config);
  const converted = loadTokenizer(tokenizerDir("llama2-sentencepiece", config));
  const nonLegacy = load("llama2-sentencepiece", { ...config, legacy: false });
  const g = readGoldens("llama2-sentencepiece");
  const texts = [...g.strings, ...g.strings.slice(0, 100).map((s, i) => `${s}</s>${g.strings[i + 100]}<s>x`)];
  for (const s of texts) {
    assert.deepEqual(converted.encode(s), shipped.encode(s), JSON.stringify(s));
    assert.deepEqual(nonLegacy.encode(s), nonLegacyLlama2().encode(s), JSON.stringify(s));
  }
  for (const tok of [converted, nonLegacy]) {
    assert.deepEqual(
      [tok.bosTokenId, tok.eosTokenId, tok.unkTokenId, tok.padTokenId, tok.vocabSize],
      [1, 2, 0, 0, 32000],
    );
    assert.deepEqual(tok.specialTokens, ["<unk>", "<s>", "</s>"]);
  }
  assert.deepEqual([converted.legacy, nonLegacy.legacy], [true, false]);
});

test("tokenizer_config.json's added_tokens_decoder extends the vocabulary (llava-hf's <image> 32000, <pad> 32001)", () => {
  const special = (content: string) => ({
    content,
    lstrip: false,
    normalized: false,
    rstrip: false,
    single_word: false,
    special: true,
  });
  const added = {
    "0": special("<unk>"),
    "1": special("<s>"),
    "2": special("</s>"),
    "32000": special("<image>"),
    "32001": special("<pad>"),
  };
  const config = { legacy: false, pad_token: "<pad>", added_tokens_decoder: added };
  const tok = load("llama2-sentencepiece", config);
  // The llava-hf replica's tokenizer.json: LLaMA's with these added tokens, converted with legacy false.
  const { json } = readFixture(LLAMA2_DIR);
  json.added_tokens = Object.entries(added).map(([id, t]) => ({ id: Number(id), ...t }));
  json.normalizer = null;
  json.pre_tokenizer = { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false };
  const reference = createTokenizer(json, { ...LLAMA_TOKENIZER_DEFAULTS, ...config });
  assert.deepEqual([tok.vocabSize, tok.tokenToId("<image>"), tok.tokenToId("<pad>")], [32002, 32000, 32001]);
  for (const s of ["USER: <image>\nWhat is in the picture? ASSISTANT:", "<image><pad> x", " <image>"])
    assert.deepEqual(tok.encode(s), reference.encode(s), s);
  assert.deepEqual(tok.encode("<image>\nHi", noSpecials), [32000, 13, 18567]);
});

test("a model's control and user-defined pieces become added tokens, only control ones special", () => {
  const tok = load("spm-bpe-unk");
  assert.deepEqual(tok.specialTokens, ["<unk>", "<s>", "</s>", "<pad>", "<ctrl>"]);
  assert.deepEqual([tok.tokenToId("<pad>"), tok.tokenToId("<ctrl>"), tok.tokenToId("<sep>")], [3, 4, 5]);
  assert.equal(tok.decode(tok.encode("a<sep>b<ctrl>"), { skipSpecialTokens: true }), "a<sep> b");
});

test("add_prefix_space false with a model trained without the dummy prefix: no '▁' prepended, as sentencepiece", () => {
  const bytes = concat(readModelBytes("spm-bpe-bytes"), specField(3, varintField(3, 0)));
  const g = readGoldens("spm-bpe-bytes");
  for (const legacy of [true, false]) {
    const tok = loadTokenizer(tokenizerDir(bytes, { legacy, add_prefix_space: false }));
    g.strings.forEach((s, i) => {
      if (plain(s)) assert.deepEqual(tok.encode(s, noSpecials), g.ids_no_dummy_prefix[i], JSON.stringify(s));
    });
  }
});

test("models the Llama conversion would tokenize differently from sentencepiece are refused, naming the file", () => {
  const model = readModelBytes("spm-bpe-unk");
  const refuse = (bytes: Uint8Array, problem: RegExp, config?: Record<string, unknown>) => {
    const dir = tokenizerDir(bytes, config);
    const path = join(dir, "tokenizer.model");
    assert.throws(
      () => loadTokenizer(dir),
      (err: Error) =>
        err.message.startsWith(`${path}: cannot convert to a Llama tokenizer: `) && problem.test(err.message),
    );
  };
  refuse(
    concat(model, specField(2, varintField(3, 1))),
    /trainer_spec\.model_type is unigram; only BPE models/,
  );
  refuse(concat(model, specField(3, varintField(4, 1))), /remove_extra_whitespaces is true/);
  refuse(
    concat(model, specField(3, bytesField(1, "nmt_nfkc"), bytesField(2, new Uint8Array(8)))),
    /"nmt_nfkc" has a normalization table/,
  );
  refuse(concat(model, specField(3, varintField(5, 0))), /escape_whitespaces is false/);
  refuse(concat(model, specField(2, varintField(24, 1))), /treat_whitespace_as_suffix is true/);
  refuse(
    concat(model, specField(3, varintField(3, 0))),
    /add_dummy_prefix is false but tokenizer_config\.json's add_prefix_space is true/,
  );
  refuse(model, /add_dummy_prefix is true but .* add_prefix_space is false/, { add_prefix_space: false });
});

test("tokenizer_config.json entries that contradict tokenizer.model are refused, naming the config", () => {
  const refuse = (config: Record<string, unknown>, problem: RegExp) => {
    const dir = tokenizerDir("spm-bpe-unk", config);
    const path = join(dir, "tokenizer_config.json");
    assert.throws(
      () => loadTokenizer(dir),
      (err: Error) => err.message.startsWith(`${path}: `) && problem.test(err.message),
    );
  };
  refuse(
    { tokenizer_class: "T5Tokenizer" },
    /tokenizer_class "T5Tokenizer": a tokenizer.model converts as LLaMA's only/,
  );
  refuse(
    { added_tokens_decoder: { "9": { content: "<s>" } } },
    /"added_tokens_decoder\["9"\]": "<s>" is id 1 in/,
  );
  refuse(
    { added_tokens_decoder: { "1": { content: "<x>" } } },
    /"added_tokens_decoder\["1"\]": id 1 is "<s>" in/,
  );
  refuse({ added_tokens_decoder: { x: { content: "<x>" } } }, /is not a token id below 2\^24/);
  refuse({ added_tokens_decoder: { "900": {} } }, /has no string "content"/);
  refuse({ added_tokens_decoder: [] }, /"added_tokens_decoder" is not an object/);
});

test("a tokenizer.json next to tokenizer.model is the one read; a directory with neither is refused", () => {
  const dir = tokenizerDir("spm-bpe-unk");
  const { json, config } = readFixture(LLAMA2_DIR);
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(json));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
  assert.equal(loadTokenizer(dir).vocabSize, 32000);
  const empty = tokenizerDir(new Uint8Array(0));
  const missing = join(empty, "none");
  assert.throws(
    () => loadTokenizer(missing),
    /none: no tokenizer\.json \(nor a SentencePiece tokenizer\.model\)/,
  );
});

test("the vicuna-7b-v1.5 and llava-v1.5-7b replicas hold tokenizer.model alone, read as LLaMA's with legacy false", () => {
  const reference = nonLegacyLlama2();
  for (const folder of ["lmsys--vicuna-7b-v1.5", "liuhaotian--llava-v1.5-7b"]) {
    const dir = fileURLToPath(new URL(`../fixtures/replicas/${folder}`, import.meta.url));
    assert.ok(!existsSync(join(dir, "tokenizer.json")), folder);
    const tok = loadTokenizer(dir);
    assert.deepEqual([tok.legacy, tok.vocabSize, tok.padTokenId], [false, 32000, 0], folder);
    for (const s of ["USER: <image>\nWhat is in the picture? ASSISTANT: A cat.</s>USER: And?", " x</s> y"])
      assert.deepEqual(tok.encode(s), reference.encode(s), `${folder} ${JSON.stringify(s)}`);
  }
});
