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

// Python's whitespace: JS's \s without U+FEFF, plus U+001C..U+001F and U+0085. Tokens can hold
// such characters (PTB keeps them inside URLs and e-mail addresses; a fraction like "3 1/2"
// becomes "3\u00A01/2"), so the split must be Python's.
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python splits on U+001C..U+001F
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function splitWords(sentence: string): string[] {
  return sentence.split(PY_WHITESPACE).filter((w) => w !== "");
}
