import assert from "node:assert/strict";
import { test } from "node:test";
import { createTokenizer } from "../../../src/io/tokenizer.ts";
import { countWords, trainBpe } from "../../../src/sandbox/pretrained/bpe_trainer.ts";
import {
  SPECIALS_IN_ID_ORDER,
  tokenizerConfigJson,
  tokenizerJson,
} from "../../../src/sandbox/pretrained/tokenizer_files.ts";
import { Rng } from "../../../src/tensor/rng.ts";

const once = (...texts: string[]) => texts.map((t) => [t, 1] as const);

test("countWords: words start at spaces with the ▁ mark, and repeat counts add up", () => {
  const words = countWords([
    ["aa ab", 2],
    ["aa", 1],
  ]);
  assert.deepEqual([...words.entries()].sort(), [
    ["▁aa", 3],
    ["▁ab", 2],
  ]);
  // Two spaces make a word that is only the mark.
  assert.deepEqual([...countWords(once("a  b")).keys()], ["▁a", "▁", "▁b"]);
});

test("trainBpe: merges the most frequent pair first (hand-computed on 'aa ab aa')", () => {
  // Pairs: (▁,a)×3, (a,a)×2, (a,b)×1 → ▁a; then (▁a,a)×2, (▁a,b)×1 → ▁aa; then ▁ab.
  const bpe = trainBpe(countWords(once("aa ab aa")), {
    vocabSize: 7,
    specials: ["<unk>"],
    alphabet: ["a", "b"],
  });
  assert.deepEqual(bpe.vocab, ["<unk>", "a", "b", "▁", "▁a", "▁aa", "▁ab"]);
  assert.deepEqual(bpe.merges, [
    ["▁", "a"],
    ["▁a", "a"],
    ["▁a", "b"],
  ]);
});

test("trainBpe: equal counts go to the lexicographically smallest pair; the vocabulary stops at its size", () => {
  // (▁,a), (a,b), (▁,b), (b,a) all count 1; "a" < "b" < "▁", so (a,b) first, then (b,a) of what is left.
  const bpe = trainBpe(countWords(once("ab ba")), { vocabSize: 5, specials: [], alphabet: ["a", "b"] });
  assert.deepEqual(bpe.merges, [
    ["a", "b"],
    ["b", "a"],
  ]);
  assert.equal(bpe.vocab.length, 5);
});

test("trainBpe: every merge result is in the vocabulary, once; nothing merges across an unknown character", () => {
  // Seeded random words over "abx" with "é" (outside the alphabet) sprinkled in.
  const rng = new Rng(3);
  const words = Array.from({ length: 60 }, () =>
    Array.from({ length: 1 + rng.int(7) }, () => "abxé"[rng.int(4)]).join(""),
  );
  const bpe = trainBpe(countWords(once(words.join(" "))), {
    vocabSize: 60,
    specials: [],
    alphabet: ["a", "b", "x"],
  });
  assert.equal(new Set(bpe.vocab).size, bpe.vocab.length);
  assert.ok(!bpe.vocab.some((t) => t.includes("é")));
  for (const [a, b] of bpe.merges) assert.ok(bpe.vocab.includes(a + b));
});

test("trainBpe rejects a vocabulary smaller than specials + alphabet and multi-character alphabet entries", () => {
  assert.throws(
    () => trainBpe(new Map(), { vocabSize: 2, specials: ["<unk>"], alphabet: ["a", "b"] }),
    /from 4/,
  );
  assert.throws(
    () => trainBpe(new Map(), { vocabSize: 9, specials: [], alphabet: ["ab"] }),
    /single characters/,
  );
});

test("the trained BPE as tokenizer.json: @huggingface/tokenizers applies the merges, unknown characters become <unk>", () => {
  const bpe = trainBpe(countWords(once("aa ab aa")), {
    vocabSize: 12,
    specials: SPECIALS_IN_ID_ORDER,
    alphabet: ["a", "b"],
  });
  const tok = createTokenizer(tokenizerJson(bpe), tokenizerConfigJson(64));
  const id = (t: string) => bpe.vocab.indexOf(t);
  // BOS, then "▁aa" and "▁ab" as single pieces; "c" is not in the alphabet.
  assert.deepEqual(tok.encode("aa ab"), [1, id("▁aa"), id("▁ab")]);
  assert.deepEqual(tok.encode("aca", { addSpecialTokens: false }), [id("▁a"), 0, id("a")]);
  assert.equal(tok.decode(tok.encode("ab aa"), { skipSpecialTokens: true }), "ab aa");
  assert.equal(tok.padTokenId, 0, "LLaVA pads with <unk>");
  assert.equal(tok.tokenToId("<pad>"), 3);
});
