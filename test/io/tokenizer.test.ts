import assert from "node:assert/strict";
import { test } from "node:test";
import llamaTokenizer from "llama-tokenizer-js";
import llama3Tokenizer from "llama3-tokenizer-js";
import { loadTokenizer } from "../../src/io/tokenizer.ts";
import { LLAMA2_DIR, LLAMA3_DIR, nonLegacyLlama2 } from "./tokenizer_fixtures.ts";

const llama2 = loadTokenizer(LLAMA2_DIR);
const llama3 = loadTokenizer(LLAMA3_DIR);

// Varied strings: a seeded mix of words, whitespace runs, digits, punctuation and characters that need
// byte fallback in LLaMA's vocabulary (emoji, rare CJK, combining marks).
function corpus(n: number, withEos: boolean): string[] {
  const pieces = [
    "Hello",
    "world",
    "the",
    "image",
    "USER:",
    "ASSISTANT:",
    "[INST]",
    "<<SYS>>",
    "a",
    "1234567",
    "3.14",
    " ",
    "  ",
    "   ",
    "\n",
    "\n\n",
    "\t",
    " \t ",
    "🦙",
    "👍🏽",
    "日本語",
    "鬱",
    "𠜎",
    "é",
    "é",
    "ß",
    "Ωμέγα",
    "don't",
    "#include",
    "<image>",
    "(x+y)^2",
    "http://x.org/a?b=c",
    "\r\n",
    "ー",
    "😀😀",
  ];
  if (withEos) pieces.push("</s>");
  let state = 12345;
  const next = (k: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % k;
  };
  const out = ["", " ", "Hello world!", " leading", "trailing ", "</s>", "a</s>b", "x </s> y", "</s></s>"];
  while (out.length < n) {
    const len = 1 + next(8);
    let s = "";
    for (let i = 0; i < len; i++) s += pieces[next(pieces.length)] + (next(3) === 0 ? "" : " ");
    out.push(s);
  }
  return withEos ? out : out.filter((s) => !s.includes("</s>"));
}

// llama-tokenizer-js knows no special tokens: it reads "</s>" as characters. The slow (legacy) LLaMA
// tokenizer splits the text on "</s>" and encodes each piece with its own "▁" prefix; replicate that here.
function referenceLlama2(text: string): number[] {
  const ids = [1];
  text.split("</s>").forEach((piece, i) => {
    if (i > 0) ids.push(2);
    if (piece !== "") ids.push(...llamaTokenizer.encode(piece, false, true));
  });
  return ids;
}

test("llama2 fixture: ids match llama-tokenizer-js on varied strings", () => {
  const strings = corpus(400, true);
  for (const s of strings) assert.deepEqual(llama2.encode(s), referenceLlama2(s), JSON.stringify(s));
});

test("llama2 fixture: special tokens, BOS and padding as LLaVA sets them up", () => {
  assert.equal(llama2.bosTokenId, 1);
  assert.equal(llama2.eosTokenId, 2);
  assert.equal(llama2.unkTokenId, 0);
  assert.equal(llama2.padTokenId, 0);
  assert.equal(llama2.addBosToken, true);
  assert.equal(llama2.legacy, true);
  assert.equal(llama2.vocabSize, 32000);
  assert.deepEqual(llama2.specialTokens, ["<unk>", "<s>", "</s>"]);
  assert.equal(llama2.tokenToId("▁Hello"), 15043);
  assert.deepEqual(llama2.encode("Hello", { addSpecialTokens: false }), [15043]);
  assert.deepEqual(llama2.encode(""), [1]);
  assert.equal(llama2.chatTemplate, null);
});

test("llama2 fixture: decode inverts encode and skips special tokens on request", () => {
  for (const s of corpus(150, false)) {
    assert.equal(llama2.decode(llama2.encode(s), { skipSpecialTokens: true }), s, JSON.stringify(s));
  }
  assert.equal(llama2.decode([1, 15043, 3186, 29991, 2]), "<s> Hello world!</s>");
  assert.equal(llama2.decode([]), "");
});

test("llama2 non-legacy variant: no '▁' after a special token", () => {
  const tok = nonLegacyLlama2();
  assert.equal(tok.legacy, false);
  assert.deepEqual(tok.encode("a</s>USER: b"), [
    1,
    263,
    2,
    ...llamaTokenizer.encode("USER: b", false, false),
  ]);
  assert.deepEqual(llama2.encode("a</s>USER: b"), [
    1,
    263,
    2,
    ...llamaTokenizer.encode("USER: b", false, true),
  ]);
});

test("llama3 fixture: ids match llama3-tokenizer-js", () => {
  for (const s of corpus(300, false)) {
    assert.deepEqual(
      llama3.encode(s),
      llama3Tokenizer.encode(s, { bos: false, eos: false }),
      JSON.stringify(s),
    );
    assert.equal(llama3.decode(llama3.encode(s)), s);
  }
  // This tokenizer.json's post-processor adds no BOS; the chat template writes it.
  assert.equal(llama3.addBosToken, false);
  assert.equal(llama3.bosTokenId, 128000);
  assert.equal(llama3.eosTokenId, 128001);
  assert.equal(llama3.padTokenId, 128001);
  assert.deepEqual(llama3.encode("<|eot_id|>"), [128009]);
  assert.ok(llama3.chatTemplate?.includes("<|start_header_id|>"));
});
