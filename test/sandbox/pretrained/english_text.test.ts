import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ALPHABET,
  cleanEnglish,
  passages,
  samplePassages,
} from "../../../src/sandbox/pretrained/english_text.ts";

test("ALPHABET is printable ASCII (33–126) and the newline; the space is the ▁ mark's", () => {
  assert.equal(ALPHABET.length, 95);
  assert.ok(ALPHABET.includes("\n") && ALPHABET.includes("~") && ALPHABET.includes("!"));
  assert.ok(!ALPHABET.includes(" "));
});

test("cleanEnglish: typographic quotes and dashes become ASCII, accents are dropped, blanks collapse", () => {
  assert.equal(cleanEnglish("“It’s—done…”  café\tnaïve\u00a0x\u2011y"), '"It\'s - done..." cafe naive x-y');
  assert.equal(cleanEnglish("日本 ok"), "ok");
});

test("passages: whole sentences, each passage at most maxChars, over-long sentences left out", () => {
  const text = `One two. Three four five! Six? ${"x".repeat(50)}. Seven.`;
  assert.deepEqual(passages(text, 20), ["One two.", "Three four five!", "Six? Seven."]);
  for (const p of passages(text, 20)) assert.ok(p.length <= 20);
});

test("samplePassages: a seeded selection without repeats, the same for the same seed", () => {
  const docs = ["A. B. C. D. E.", "F. G. H."];
  const a = samplePassages(docs, 5, 2, 1);
  assert.equal(a.length, 5);
  assert.equal(new Set(a).size, 5);
  assert.deepEqual(samplePassages(docs, 5, 2, 1), a);
  assert.notDeepEqual(samplePassages(docs, 8, 2, 2), samplePassages(docs, 8, 2, 1));
});
