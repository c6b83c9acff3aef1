import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadTokenizer } from "../../../src/io/tokenizer.ts";
import { countWords, trainBpe } from "../../../src/sandbox/pretrained/bpe_trainer.ts";
import { SPECIALS_IN_ID_ORDER, writeTokenizer } from "../../../src/sandbox/pretrained/tokenizer_files.ts";
import { LLAMA2_DIR, readFixture } from "../../io/tokenizer_fixtures.ts";

const bpe = trainBpe(countWords([["the red circle is on the left", 1]]), {
  vocabSize: 40,
  specials: SPECIALS_IN_ID_ORDER,
  alphabet: [..."abcdefghijklmnopqrstuvwxyz."],
});

test("tokenizer.json has the pipeline of LLaMA-2's converted tokenizer (normalizer, post-processor, decoder)", () => {
  // The reference is assets/tokenizers/llama2, in the layout of transformers' legacy LlamaConverter.
  const dir = mkdtempSync(join(tmpdir(), "lntune-tok-"));
  try {
    writeTokenizer(dir, bpe, 512);
    const ours = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));
    const { json: llama2 } = readFixture(LLAMA2_DIR);
    for (const key of [
      "version",
      "truncation",
      "padding",
      "normalizer",
      "pre_tokenizer",
      "post_processor",
      "decoder",
    ])
      assert.deepEqual(ours[key], llama2[key], key);
    const { vocab: _v, merges: _m, ...model } = ours.model;
    const { vocab: _lv, merges: _lm, ...llama2Model } = llama2.model as Record<string, unknown>;
    // Only byte fallback differs: unknown characters become <unk> instead of byte tokens.
    assert.deepEqual(model, { ...llama2Model, byte_fallback: false });
    assert.deepEqual(ours.added_tokens.slice(0, 3), (llama2.added_tokens as unknown[]).slice(0, 3));
    assert.deepEqual(ours.added_tokens[3], { ...ours.added_tokens[0], id: 3, content: "<pad>" });
    assert.equal(Object.keys(ours.model.vocab).length, bpe.vocab.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the written tokenizer loads with LLaMA's specials and round-trips text of its alphabet", () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-tok-"));
  try {
    writeTokenizer(dir, bpe, 512);
    const tok = loadTokenizer(dir);
    assert.deepEqual([tok.unkTokenId, tok.bosTokenId, tok.eosTokenId, tok.tokenToId("<pad>")], [0, 1, 2, 3]);
    assert.equal(tok.addBosToken, true);
    assert.equal(tok.addEosToken, false);
    assert.equal(tok.modelMaxLength, 512);
    const text = "the red circle.</s> is on the left";
    const ids = tok.encode(text);
    assert.equal(ids[0], 1);
    assert.ok(!ids.includes(0));
    assert.ok(ids.includes(2), "</s> in text is the special token");
    // Legacy LLaMA: the text after a special token gets its own "▁" prefix, hence two spaces.
    assert.equal(tok.decode(ids, { skipSpecialTokens: true }), "the red circle.  is on the left");
    const specialsMap = JSON.parse(readFileSync(join(dir, "special_tokens_map.json"), "utf8"));
    assert.deepEqual(specialsMap, {
      bos_token: "<s>",
      eos_token: "</s>",
      pad_token: "<pad>",
      unk_token: "<unk>",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
