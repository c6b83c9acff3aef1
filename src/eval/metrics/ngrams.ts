// N-gram counting shared by BLEU and CIDEr-D, over whitespace-split tokens like Python's str.split().

/** Counts of every 1..maxN-gram, keyed by the n-gram's tokens joined with single spaces. */
export function ngramCounts(sentence: string, maxN = 4): Map<string, number> {
  const words = splitWords(sentence);
  const counts = new Map<string, number>();
  // Insertion order (by n, then position) matches upstream, so float sums run in the same order.
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= words.length; i++) {
      const gram = words.slice(i, i + n).join(" ");
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

/** Order (1-based) of an n-gram key produced by ngramCounts. */
export function ngramOrder(gram: string): number {
  let n = 1;
  for (const ch of gram) if (ch === " ") n++;
  return n;
}

export function splitWords(sentence: string): string[] {
  return sentence.split(/\s+/).filter((w) => w !== "");
}
