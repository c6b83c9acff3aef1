// Expectations derived by hand from Stanford PTBTokenizer's documented rules (lowercased output,
// then pycocoevalcap's punctuation filter).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ptbTokens, tokenizeCaption } from "../../src/eval/metrics/ptb_tokenizer.ts";

test("lowercases and drops sentence punctuation", () => {
  assert.equal(
    tokenizeCaption("A man riding a wave on top of a surfboard."),
    "a man riding a wave on top of a surfboard",
  );
  assert.equal(tokenizeCaption("Two dogs, one cat; no birds!"), "two dogs one cat no birds");
  assert.equal(tokenizeCaption("Is it a dog?"), "is it a dog");
});

test("splits clitics like PTB", () => {
  assert.deepEqual(ptbTokens("Don't go, it's the dog's bone!"), [
    "do",
    "n't",
    "go",
    ",",
    "it",
    "'s",
    "the",
    "dog",
    "'s",
    "bone",
    "!",
  ]);
  assert.equal(tokenizeCaption("He can't; we cannot."), "he ca n't we can not");
  assert.equal(tokenizeCaption("They're gonna eat what we've got"), "they 're gon na eat what we 've got");
  assert.equal(tokenizeCaption("The dogs' toys"), "the dogs toys");
});

test("quotes and brackets become PTB tokens and are dropped", () => {
  assert.deepEqual(ptbTokens('a "big" (red) {x} [y]'), [
    "a",
    "``",
    "big",
    "''",
    "-LRB-",
    "red",
    "-RRB-",
    "-LCB-",
    "x",
    "-RCB-",
    "-LRB-",
    "y",
    "-RRB-",
  ]);
  assert.equal(tokenizeCaption("A sign that says 'STOP'."), "a sign that says stop");
  assert.equal(tokenizeCaption("A “curly” quote’s test"), "a curly quote 's test");
});

test("keeps hyphenated words, numbers, times and abbreviations whole", () => {
  assert.equal(
    tokenizeCaption("A black-and-white cat at 10:30 costs $1,000."),
    "a black-and-white cat at 10:30 costs $ 1,000",
  );
  assert.equal(
    tokenizeCaption("It is 3.5 feet tall at 5 p.m. in the U.S."),
    "it is 3.5 feet tall at 5 p.m. in the u.s.",
  );
  assert.equal(tokenizeCaption("Mr. Smith's o'clock"), "mr. smith 's o'clock");
});

test("ellipses, dashes and separating commas become dropped tokens", () => {
  assert.equal(tokenizeCaption("Wait... two people--one tall - stand"), "wait two people one tall stand");
  assert.equal(tokenizeCaption("red,white and blue"), "red white and blue");
  assert.equal(tokenizeCaption("A cat\nsleeping"), "a cat sleeping");
});

test("empty and punctuation-only captions become empty strings", () => {
  assert.equal(tokenizeCaption(""), "");
  assert.equal(tokenizeCaption(" ... !"), "");
});
