// ROUGE-L as pycocoevalcap's Rouge: LCS-based F-measure with beta 1.2, best precision and best
// recall taken independently over the references, averaged over images.

const BETA_SQUARED = 1.2 ** 2;

/** Length of the longest common subsequence of two token lists. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    for (let j = 1; j <= b.length; j++) {
      row.push(x === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]));
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * ROUGE-L of one candidate. Tokens come from splitting on single spaces, as upstream does, so an
 * empty caption is one empty token (an empty candidate against an empty reference scores 1).
 */
export function rougeL(candidate: string, references: readonly string[]): number {
  const cand = candidate.split(" ");
  let precision = 0;
  let recall = 0;
  for (const reference of references) {
    const ref = reference.split(" ");
    const lcs = lcsLength(ref, cand);
    precision = Math.max(precision, lcs / cand.length);
    recall = Math.max(recall, lcs / ref.length);
  }
  if (precision === 0 || recall === 0) return 0;
  return ((1 + BETA_SQUARED) * precision * recall) / (recall + BETA_SQUARED * precision);
}
