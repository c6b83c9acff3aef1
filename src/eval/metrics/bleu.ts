// Corpus BLEU-1..4 exactly as pycocoevalcap's BleuScorer with option "closest".
import { ngramCounts, ngramOrder, splitWords } from "./ngrams.ts";

const MAX_N = 4;
// Upstream's smoothing constants: 1e-15 on matches (a zero stays ~0) and 1e-9 on guesses and
// reference length (no division by zero on empty candidates).
const TINY = 1e-15;
const SMALL = 1e-9;

export interface BleuInput {
  candidate: string;
  references: readonly string[];
}

/** [BLEU-1, BLEU-2, BLEU-3, BLEU-4] on the 0..1 scale. */
export function corpusBleu(items: readonly BleuInput[]): number[] {
  const correct = new Array<number>(MAX_N).fill(0);
  const guess = new Array<number>(MAX_N).fill(0);
  let testLength = 0;
  let refLength = 0;
  for (const { candidate, references } of items) {
    const candLength = splitWords(candidate).length;
    testLength += candLength;
    refLength += closestLength(
      candLength,
      references.map((r) => splitWords(r).length),
    );
    const maxRefCounts = new Map<string, number>();
    for (const ref of references) {
      for (const [gram, count] of ngramCounts(ref, MAX_N)) {
        maxRefCounts.set(gram, Math.max(maxRefCounts.get(gram) ?? 0, count));
      }
    }
    for (const [gram, count] of ngramCounts(candidate, MAX_N)) {
      correct[ngramOrder(gram) - 1] += Math.min(maxRefCounts.get(gram) ?? 0, count);
    }
    for (let k = 0; k < MAX_N; k++) guess[k] += Math.max(0, candLength - k);
  }
  const scores: number[] = [];
  let product = 1;
  for (let k = 0; k < MAX_N; k++) {
    product *= (correct[k] + TINY) / (guess[k] + SMALL);
    scores.push(product ** (1 / (k + 1)));
  }
  const ratio = (testLength + TINY) / (refLength + SMALL);
  const brevity = ratio < 1 ? Math.exp(1 - 1 / ratio) : 1;
  return ratio < 1 ? scores.map((s) => s * brevity) : scores;
}

/** Reference length closest to the candidate's; ties go to the shorter reference. */
function closestLength(candLength: number, refLengths: readonly number[]): number {
  let best = refLengths[0];
  for (const len of refLengths) {
    const d = Math.abs(len - candLength);
    const bestD = Math.abs(best - candLength);
    if (d < bestD || (d === bestD && len < best)) best = len;
  }
  return best;
}
