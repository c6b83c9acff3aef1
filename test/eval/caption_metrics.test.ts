import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { corpusBleu } from "../../src/eval/metrics/bleu.ts";
import { scoreTokenizedCaptions } from "../../src/eval/metrics/caption_scores.ts";
import { ciderDScores } from "../../src/eval/metrics/cider_d.ts";
import { splitWords } from "../../src/eval/metrics/ngrams.ts";
import { tokenizeCaptions } from "../../src/eval/metrics/ptb_tokenizer.ts";
import { lcsLength, rougeL } from "../../src/eval/metrics/rouge_l.ts";
import { scoreCaptionFiles } from "../../src/eval/score_caption_files.ts";

const dir = "test/fixtures/eval/caption";
const close = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected}`);

test("BLEU: candidate identical to its references scores 1", () => {
  const bleu = corpusBleu([
    { candidate: "a man riding a horse", references: ["a man riding a horse", "a man riding a horse"] },
    { candidate: "two dogs play in the snow", references: ["two dogs play in the snow"] },
  ]);
  for (const b of bleu) close(b, 1, 1e-9);
});

test("BLEU: repeated n-grams are clipped to the reference counts", () => {
  const [b1, b2] = corpusBleu([
    { candidate: "the the the the the the the", references: ["the cat is on the mat"] },
  ]);
  close(b1, (2 + 1e-15) / (7 + 1e-9), 1e-15);
  assert.ok(b2 < 1e-7); // no matching bigram: only the 1e-15 smoothing remains
});

test("BLEU: closest reference length (ties to the shorter) drives the brevity penalty", () => {
  // Candidate of 2 words, references of 1 and 3 words: tie -> reflen 1, no penalty.
  const [b1] = corpusBleu([{ candidate: "a b", references: ["a", "a b c"] }]);
  close(b1, 1, 1e-9);
  // References of 4 words: ratio 2/4 -> penalty exp(1 - 2) on a perfect unigram precision.
  const [c1] = corpusBleu([{ candidate: "a b", references: ["a b c d"] }]);
  close(c1, Math.exp(-1), 1e-9);
});

test("BLEU: empty candidates give 0, not NaN", () => {
  const bleu = corpusBleu([{ candidate: "", references: ["a cat"] }]);
  for (const b of bleu) assert.ok(b >= 0 && b < 1e-5);
});

test("n-grams split on Python's str.split() whitespace: U+00A0 and U+001C split, U+FEFF does not", () => {
  assert.deepEqual(splitWords(" a\u00a0b\u001cc\ufeffd\t"), ["a", "b", "c\ufeffd"]);
});

test("ROUGE-L: LCS F-measure with beta 1.2", () => {
  assert.equal(lcsLength(["a", "c", "e"], ["a", "b", "c", "d"]), 2);
  const p = 2 / 4;
  const r = 2 / 3;
  close(rougeL("a b c d", ["a c e"]), (2.44 * p * r) / (r + 1.44 * p), 1e-12);
  assert.equal(rougeL("a b c", ["a b c", "x"]), 1);
  assert.equal(rougeL("", ["a cat"]), 0);
  assert.equal(rougeL("", [""]), 1); // upstream splits "" into one empty token
});

test("CIDEr-D: identical captions score 10 with four n-gram orders, 7.5 with three", () => {
  const scores = ciderDScores([
    { candidate: "a b c d", references: ["a b c d", "a b c d"] },
    { candidate: "e f g", references: ["e f g"] },
  ]);
  close(scores[0], 10, 1e-12);
  close(scores[1], 7.5, 1e-12);
});

test("CIDEr-D: a single image has zero idf and scores 0; empty candidates score 0", () => {
  assert.deepEqual(ciderDScores([{ candidate: "a b", references: ["a b"] }]), [0]);
  const scores = ciderDScores([
    { candidate: "", references: ["a b"] },
    { candidate: "c d", references: ["c d"] },
  ]);
  assert.equal(scores[0], 0);
  assert.ok(Number.isFinite(scores[1]));
});

// expected.json: pycocoevalcap's Bleu, Rouge and Cider over captions tokenised by CoreNLP 3.4.1's
// PTBTokenizer through pycocoevalcap's ptbtokenizer.py (tools/eval_goldens.py).
test("metrics equal the official pycocoevalcap outputs on the tokenised fixture", () => {
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, "utf8"));
  const items = Object.entries(
    expected.tokenized as Record<string, { candidate: string; references: string[] }>,
  ).map(([imageId, t]) => ({ imageId, candidate: t.candidate, references: t.references }));
  const scores = scoreTokenizedCaptions(items);
  for (const key of ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"] as const) {
    close(scores[key], expected[key], 1e-9, key);
  }
  for (const [id, value] of Object.entries(expected.perImageCIDEr as Record<string, number>)) {
    close(scores.perImageCIDEr[id], value, 1e-9, `CIDEr of ${id}`);
  }
});

test("raw captions tokenised in pycocoevalcap's two tokenizer calls give its tokenised captions", () => {
  // Images 9-12 hold brackets, runs like "?!" and "!!", quotes and a period that depends on the
  // next reference ("the letter A." before "A red ...").
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, "utf8"));
  const data = JSON.parse(readFileSync(`${dir}/annotations.json`, "utf8"));
  const results: { image_id: number; caption: string }[] = JSON.parse(
    readFileSync(`${dir}/results.json`, "utf8"),
  );
  const ids = Object.keys(expected.tokenized);
  const refs = ids.flatMap((id) =>
    data.annotations
      .filter((a: { image_id: number }) => String(a.image_id) === id)
      .map((a: { caption: string }) => a.caption),
  );
  const cands = ids.map((id) => results.find((r) => String(r.image_id) === id)!.caption);
  assert.deepEqual(
    tokenizeCaptions(refs),
    ids.flatMap((id) => expected.tokenized[id].references),
  );
  assert.deepEqual(
    tokenizeCaptions(cands),
    ids.map((id) => expected.tokenized[id].candidate),
  );
});

test("raw caption files (tokenised here) give the official scores", () => {
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, "utf8"));
  const report = scoreCaptionFiles(`${dir}/annotations.json`, `${dir}/results.json`);
  assert.equal(report.images, 11);
  for (const key of ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"] as const) {
    close(report[key], expected[key], 1e-9, key);
  }
  assert.deepEqual(Object.keys(report.perImageCIDEr), Object.keys(expected.perImageCIDEr));
});
