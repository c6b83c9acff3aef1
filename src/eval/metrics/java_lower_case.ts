// Java's String.toLowerCase, which PTBTokenizer's -lowerCase applies to each token. It differs
// from JS only for the capital sigma: Java makes it the final "ς" when, within the word
// (java.text.BreakIterator's legacy word rules) around it, a cased letter comes before it and
// none after it; JS looks only past case-ignorable characters on either side. The word rules are
// reproduced in the simplified form below: letter runs joined by mid-word punctuation, digit runs
// joined by mid-number punctuation, the two alternating; kana and ideograph runs; marks and
// format characters attached to what precedes them.

const SIGMA = "\u03A3";
// Java's cased characters: Ll, Lu, Lt and its list of other lower- and upper-case ones.
const CASED =
  /^(?:[\p{Ll}\p{Lu}\p{Lt}\u02B0-\u02B8\u02C0\u02C1\u02E0-\u02E4\u037A\u1D2C-\u1D61\u2160-\u217F\u24B6-\u24E9]|\u0345)$/u;
const IGNORED = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const KANJI = /^[\u3005\u4E00-\u9FA5\uF900-\uFA2D]$/u;
const KATAKANA = /^[\u30A1-\u30FA\u30FD\u30FE\u3099-\u309C\u30FB\u30FC]$/u;
const HIRAGANA = /^[\u3041-\u3094\u309D\u309E\u3099-\u309C\u30FB\u30FC]$/u;
const LETTER = /^[\p{L}\p{Mc}]$/u;
const DIGIT = /^\p{N}$/u;
const MID_WORD = /^[\p{Pd}\p{Pc}\u00AD\u2027"'.]$/u;
const MID_NUMBER = /^["',\u066B.]$/u;

const isLetter = (ch: string | undefined) =>
  ch !== undefined && LETTER.test(ch) && !KANJI.test(ch) && !KATAKANA.test(ch) && !HIRAGANA.test(ch);
const isDigit = (ch: string | undefined) => ch !== undefined && DIGIT.test(ch);

/** Start index of every word-break segment of `chars` (code points). */
function segmentStarts(chars: readonly string[]): Set<number> {
  const starts = new Set<number>();
  let i = 0;
  const skipIgnored = () => {
    while (i < chars.length && IGNORED.test(chars[i])) i++;
  };
  /** Consumes a run of `is` characters joined by single `joiner` characters; false if none. */
  const run = (is: (ch: string | undefined) => boolean, joiner: RegExp) => {
    if (!is(chars[i])) return false;
    for (;;) {
      while (is(chars[i])) {
        i++;
        skipIgnored();
      }
      if (i < chars.length && joiner.test(chars[i]) && is(chars[i + 1])) i++;
      else return true;
    }
  };
  while (i < chars.length) {
    starts.add(i);
    if (isLetter(chars[i]) || isDigit(chars[i])) {
      while (run(isLetter, MID_WORD) || run(isDigit, MID_NUMBER));
    } else {
      const kana = [KANJI, KATAKANA, HIRAGANA].find((re) => re.test(chars[i]));
      i++;
      if (kana) while (i < chars.length && kana.test(chars[i])) i++;
      skipIgnored();
    }
  }
  return starts;
}

export function javaLowerCase(text: string): string {
  if (!text.includes(SIGMA)) return text.toLowerCase();
  const chars = [...text];
  const starts = segmentStarts(chars);
  const finalSigma = (i: number) => {
    let before = false;
    for (let j = i; j > 0 && !starts.has(j) && !before; j--) before = CASED.test(chars[j - 1]);
    if (!before) return false;
    for (let j = i + 1; j < chars.length && !starts.has(j); j++) if (CASED.test(chars[j])) return false;
    return true;
  };
  return chars
    .map((ch, i) => (ch !== SIGMA ? ch.toLowerCase() : finalSigma(i) ? "\u03C2" : "\u03C3"))
    .join("");
}
