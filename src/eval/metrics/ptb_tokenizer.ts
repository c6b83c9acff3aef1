// Caption tokenisation approximating what pycocoevalcap feeds its scorers: Stanford PTBTokenizer
// (`-preserveLines -lowerCase`) followed by dropping punctuation tokens.
//
// Approximated PTB rules: lowercase; split off leading/trailing punctuation, quotes and brackets;
// clitics 's 're 've 'll 'd 'm n't split from their word ("don't" -> "do n't", "can't" -> "ca n't");
// "cannot", "gonna", "gotta", "wanna", "gimme", "lemme" split in two; "..." and "--" are tokens;
// hyphenated words, decimals, "1,000", "10:30", "a.m."-style abbreviations and inner apostrophes
// ("o'clock") stay whole. Not reproduced: British-to-American respelling and "/" escaping; both
// are rare in captions.

// Tokens pycocoevalcap removes after tokenising; quotes and brackets are emitted in PTB form first.
const DROPPED = new Set("'' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;".split(" "));

const BRACKETS: Record<string, string> = {
  "(": "-LRB-",
  ")": "-RRB-",
  "[": "-LRB-",
  "]": "-RRB-",
  "{": "-LCB-",
  "}": "-RCB-",
};
const SPLIT_WORDS: Record<string, [string, string]> = {
  cannot: ["can", "not"],
  gonna: ["gon", "na"],
  gotta: ["got", "ta"],
  wanna: ["wan", "na"],
  gimme: ["gim", "me"],
  lemme: ["lem", "me"],
};
// Characters that never stay inside a token.
const ALWAYS_SPLIT = /(\.\.\.|--|[()[\]{}";!?])/;
const LEADING = /^(``|`|'|[$#<>*&%=+@~^|\\/:,.-])(?=.)/;
const TRAILING = /(''|'|\.|,|:|-|[$#<>*&%=+@~^|\\/])$/;
const CLITIC = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$/;
const ABBREVIATION = /^(?:[a-z]\.){2,}$|^(?:mr|mrs|ms|dr|st|jr|sr|vs|etc|inc|ltd|co|mt|ft)\.$/;

/** PTB-like tokens of one caption, punctuation tokens included (PTB forms for quotes/brackets). */
export function ptbTokens(caption: string): string[] {
  const text = caption
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"');
  const tokens: string[] = [];
  let quoteOpen = false;
  for (const piece of text.split(/\s+/).flatMap((chunk) => chunk.split(ALWAYS_SPLIT))) {
    if (piece === "") continue;
    if (piece === '"') {
      tokens.push(quoteOpen ? "''" : "``");
      quoteOpen = !quoteOpen;
    } else if (piece in BRACKETS) tokens.push(BRACKETS[piece]);
    else if (piece.length === 1 || piece === "..." || piece === "--") tokens.push(piece);
    else tokens.push(...wordTokens(piece));
  }
  return tokens;
}

/** Splits a chunk without spaces or always-split characters into PTB tokens. */
function wordTokens(chunk: string): string[] {
  const before: string[] = [];
  const after: string[] = [];
  let word = chunk;
  for (let m = LEADING.exec(word); m && !/^[-.]?\d/.test(word); m = LEADING.exec(word)) {
    before.push(m[1]);
    word = word.slice(m[1].length);
  }
  for (let m = TRAILING.exec(word); m && word.length > m[1].length; m = TRAILING.exec(word)) {
    if (m[1] === "." && ABBREVIATION.test(word)) break;
    after.unshift(m[1]);
    word = word.slice(0, -m[1].length);
  }
  // A comma or colon between two non-digits separates words ("red,white" -> "red , white").
  const parts = word.split(/(?<!\d)([,:])|([,:])(?!\d)/).filter((p) => p !== undefined && p !== "");
  return [...before, ...parts.flatMap(splitClitics), ...after];
}

function splitClitics(word: string): string[] {
  if (word in SPLIT_WORDS) return SPLIT_WORDS[word];
  const m = CLITIC.exec(word);
  if (m && !(m[2] === "'s" && m[1] === "'")) return [m[1], m[2]];
  // Plural possessive: "dogs'" -> "dogs '".
  if (word.length > 2 && word.endsWith("s'")) return [word.slice(0, -1), "'"];
  return [word];
}

/** pycocoevalcap's caption form: PTB tokens without punctuation, joined by single spaces. */
export function tokenizeCaption(caption: string): string {
  return ptbTokens(caption.replace(/\n/g, " "))
    .filter((t) => !DROPPED.has(t))
    .join(" ");
}
