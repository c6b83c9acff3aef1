// Goldens: test/fixtures/eval/caption/ptb_expected.json was produced by Stanford CoreNLP 3.4.1's own
// PTBTokenizer (compiled from the v3.4.1 source by tools/corenlp_ptb.py) run as pycocoevalcap's
// tokenizer/ptbtokenizer.py runs it (`-preserveLines -lowerCase`, then its PUNCTUATIONS removed),
// over ptb_corpus.json: hand-written tricky captions followed by random mixes of tricky pieces,
// characters and BMP code points.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ptbTokenLines, tokenizeCaption, tokenizeCaptions } from "../../src/eval/metrics/ptb_tokenizer.ts";

const dir = "test/fixtures/eval/caption";
const corpus: string[] = JSON.parse(readFileSync(`${dir}/ptb_corpus.json`, "utf8"));
const golden: {
  batch: { caption: string; line: string; tokenized: string }[];
  alone: Record<string, { line: string; tokenized: string }>;
} = JSON.parse(readFileSync(`${dir}/ptb_expected.json`, "utf8"));

test("the golden file covers the corpus caption for caption", () => {
  assert.deepEqual(
    golden.batch.map((b) => b.caption),
    corpus,
  );
});

test("one tokenizer run over the whole corpus prints CoreNLP 3.4.1's lines exactly", () => {
  const text = corpus.map((c) => c.replace(/\n/g, " ")).join("\n");
  const lines = ptbTokenLines(text).map((tokens) => tokens.join(" "));
  assert.deepEqual(
    lines,
    golden.batch.map((b) => b.line),
  );
});

test("tokenizeCaptions over the corpus equals pycocoevalcap's result for every caption", () => {
  assert.deepEqual(
    tokenizeCaptions(corpus),
    golden.batch.map((b) => b.tokenized),
  );
});

test("each caption tokenised alone equals the tokenizer run on that caption alone", () => {
  const expected = corpus.map((_, i) => (golden.alone[i] ?? golden.batch[i]).tokenized);
  assert.deepEqual(corpus.map(tokenizeCaption), expected);
  // Some captions end differently when a caption follows (a period repeated before "The", a
  // clitic needing a character after it); the golden file lists them.
  assert.ok(Object.keys(golden.alone).length > 0);
});

test("brackets become lowercased -lrb- -rrb- -lsb- -rsb- -lcb- -rcb-, which the filter keeps", () => {
  // CoreNLP 3.4.1's output for these corpus captions (ptb_expected.json).
  assert.equal(
    tokenizeCaption("A man (left) and a woman [right] hold a {red} ball."),
    "a man -lrb- left -rrb- and a woman -lsb- right -rsb- hold a -lcb- red -rcb- ball",
  );
  assert.equal(tokenizeCaption('He said "hello" to me.'), "he said hello to me");
});

test("runs of ! and ? are single tokens that the filter keeps; lone ones are dropped", () => {
  assert.equal(tokenizeCaption("Really?! What?!? No!?"), "really ?! what ?!? no !?");
  assert.equal(tokenizeCaption("Wait... what?"), "wait what");
});

test("a period after U.S. is repeated when the next caption starts with The", () => {
  assert.deepEqual(tokenizeCaptions(["made in the U.S.", "The car is red"]), [
    "made in the u.s.",
    "the car is red",
  ]);
  assert.deepEqual(ptbTokenLines("made in the U.S.\nThe car")[0], ["made", "in", "the", "u.s.", "."]);
  assert.deepEqual(ptbTokenLines("made in the U.S.")[0], ["made", "in", "the", "u.s."]);
});

test("line breaks other than \\n inside a caption are read as spaces", () => {
  // Upstream would print extra lines here and misalign later captions; lntune keeps them apart.
  assert.deepEqual(tokenizeCaptions(["a\rb", "c\u2028d\r\ne", "f"]), ["a b", "c d e", "f"]);
});

test("a token running across two captions is an error, not a silent misalignment", () => {
  assert.throws(
    () => tokenizeCaptions(["a tag <a b='x", "y'> here"]),
    /PTB tokenizer: 2 captions gave 1 lines; a token spans two captions/,
  );
});

test("no captions give no lines", () => {
  assert.deepEqual(tokenizeCaptions([]), []);
});
