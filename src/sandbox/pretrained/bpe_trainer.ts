// A byte-pair-encoding trainer in the style of LLaMA's SentencePiece BPE: a space becomes "▁", every word
// starts with it, and merges never cross words (so applying the merges to a whole text, as the tokenizer
// does, gives the same pieces as applying them word by word). Characters outside the alphabet stay
// unmerged; the tokenizer maps them to <unk>. The result is a pure function of the texts and options.

export const SPACE_MARK = "▁";

export interface BpeOptions {
  /** Final vocabulary size, specials and alphabet included. */
  vocabSize: number;
  /** Tokens with the first ids, in order (e.g. <unk>, <s>, </s>, <pad>). */
  specials: readonly string[];
  /** Single characters that always get a token ("▁" is added if missing). */
  alphabet: readonly string[];
}

export interface BpeModel {
  /** Token by id. */
  vocab: string[];
  /** Merges by rank. */
  merges: Array<[string, string]>;
}

/** Counts words ("▁" + the characters up to the next space) over texts with their repeat counts. */
export function countWords(texts: Iterable<readonly [string, number]>): Map<string, number> {
  const words = new Map<string, number>();
  for (const [text, times] of texts) {
    if (text.length === 0) continue;
    const marked = SPACE_MARK + text.replaceAll(" ", SPACE_MARK);
    for (const w of marked.match(/▁[^▁]*/g) ?? []) words.set(w, (words.get(w) ?? 0) + times);
  }
  return words;
}

const pairKey = (a: number, b: number) => a * 65536 + b;

export function trainBpe(words: ReadonlyMap<string, number>, o: BpeOptions): BpeModel {
  const alphabet = [...new Set([SPACE_MARK, ...o.alphabet])].sort();
  for (const c of alphabet)
    if ([...c].length !== 1) throw new Error(`BPE alphabet entries must be single characters, got "${c}"`);
  const vocab = [...o.specials, ...alphabet];
  if (new Set(vocab).size !== vocab.length) throw new Error("BPE specials overlap the alphabet");
  if (o.vocabSize < vocab.length || o.vocabSize > 65536)
    throw new Error(`BPE vocabulary size ${o.vocabSize} must be from ${vocab.length} to 65536`);
  const idOf = new Map(vocab.map((t, i) => [t, i]));
  // Sorted words, so that the symbol sequences (and every tie below) do not depend on insertion order.
  const entries = [...words.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // -1 marks a character outside the alphabet: it never pairs.
  const seqs = entries.map(([w]) => [...w].map((c) => idOf.get(c) ?? -1));
  const counts = entries.map(([, n]) => n);
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1) => {
    const s = seqs[w];
    for (let i = 0; i + 1 < s.length; i++) {
      if (s[i] < 0 || s[i + 1] < 0) continue;
      const k = pairKey(s[i], s[i + 1]);
      const n = (pairCount.get(k) ?? 0) + sign * counts[w];
      if (n === 0) pairCount.delete(k);
      else pairCount.set(k, n);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(w);
      }
    }
  };
  seqs.forEach((_, w) => {
    addPairs(w, 1);
  });
  const merges: Array<[string, string]> = [];
  while (vocab.length < o.vocabSize && pairCount.size > 0) {
    // The most frequent pair; ties go to the lexicographically smallest (left, right).
    let best = -1;
    let bestCount = 0;
    for (const [k, n] of pairCount) {
      if (n > bestCount || (n === bestCount && comparePairs(vocab, k, best) < 0)) {
        best = k;
        bestCount = n;
      }
    }
    const a = Math.floor(best / 65536);
    const b = best % 65536;
    // Two merge paths can spell the same piece ("▁a"+"b", "▁"+"ab"): it keeps its first id.
    const piece = vocab[a] + vocab[b];
    let merged = idOf.get(piece);
    if (merged === undefined) {
      merged = vocab.length;
      vocab.push(piece);
      idOf.set(piece, merged);
    }
    merges.push([vocab[a], vocab[b]]);
    for (const w of pairWords.get(best) ?? []) {
      addPairs(w, -1);
      const s = seqs[w];
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(merged);
          i++;
        } else out.push(s[i]);
      }
      seqs[w] = out;
      addPairs(w, 1);
    }
    pairWords.delete(best);
  }
  return { vocab, merges };
}

function comparePairs(vocab: readonly string[], x: number, y: number): number {
  if (y < 0) return -1;
  const [xa, xb] = [vocab[Math.floor(x / 65536)], vocab[x % 65536]];
  const [ya, yb] = [vocab[Math.floor(y / 65536)], vocab[y % 65536]];
  if (xa !== ya) return xa < ya ? -1 : 1;
  return xb < yb ? -1 : xb > yb ? 1 : 0;
}
