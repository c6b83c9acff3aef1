// CIDEr-D exactly as pycocoevalcap's `Cider` scorer (which implements CIDEr-D, not plain CIDEr):
// tf-idf n-gram vectors (n = 1..4) with document frequencies over the evaluated images' references,
// clipped cosine similarity, a Gaussian length penalty (sigma 6) and a factor 10.
import { ngramCounts, ngramOrder } from "./ngrams.ts";

const MAX_N = 4;
const SIGMA = 6;

export interface CiderInput {
  candidate: string;
  references: readonly string[];
}

interface Vector {
  weights: Map<string, number>[];
  norms: number[];
  /** Upstream's "length": the number of bigrams (words - 1 for two or more words), not of words. */
  length: number;
}

/** Per-image CIDEr-D scores (pycocoevalcap scale, ~0..10) in input order. */
export function ciderDScores(items: readonly CiderInput[]): number[] {
  const refCounts = items.map((item) => item.references.map((r) => ngramCounts(r, MAX_N)));
  const documentFrequency = new Map<string, number>();
  for (const refs of refCounts) {
    const seen = new Set(refs.flatMap((counts) => [...counts.keys()]));
    for (const gram of seen) documentFrequency.set(gram, (documentFrequency.get(gram) ?? 0) + 1);
  }
  const logImages = Math.log(items.length);

  const toVector = (counts: Map<string, number>): Vector => {
    const weights = Array.from({ length: MAX_N }, () => new Map<string, number>());
    const squares = new Array<number>(MAX_N).fill(0);
    let length = 0;
    for (const [gram, tf] of counts) {
      const n = ngramOrder(gram) - 1;
      // N-grams unseen in the references get df 1 (idf = log of the image count).
      const w = tf * (logImages - Math.log(Math.max(1, documentFrequency.get(gram) ?? 0)));
      weights[n].set(gram, w);
      squares[n] += w ** 2;
      if (n === 1) length += tf;
    }
    return { weights, norms: squares.map(Math.sqrt), length };
  };

  return items.map((item, i) => {
    const cand = toVector(ngramCounts(item.candidate, MAX_N));
    const total = new Array<number>(MAX_N).fill(0);
    for (const counts of refCounts[i]) {
      const ref = toVector(counts);
      const penalty = Math.E ** (-((cand.length - ref.length) ** 2) / (2 * SIGMA ** 2));
      for (let n = 0; n < MAX_N; n++) {
        let dot = 0;
        for (const [gram, w] of cand.weights[n]) {
          const r = ref.weights[n].get(gram) ?? 0;
          dot += Math.min(w, r) * r;
        }
        // Upstream divides only when both norms are non-zero; the dot product is then 0 anyway.
        if (cand.norms[n] !== 0 && ref.norms[n] !== 0) dot /= cand.norms[n] * ref.norms[n];
        total[n] += dot * penalty;
      }
    }
    const mean = (total[0] + total[1] + total[2] + total[3]) / MAX_N;
    return (mean / item.references.length) * 10;
  });
}

/** Corpus CIDEr-D: the mean of the per-image scores (0 for no images). */
export function corpusCiderD(scores: readonly number[]): number {
  let sum = 0;
  for (const s of scores) sum += s;
  return scores.length === 0 ? 0 : sum / scores.length;
}
