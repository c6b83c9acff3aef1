// Stanford CoreNLP 3.4.1's PTBLexer (the tokenizer in the jar pycocoevalcap ships), reimplemented
// rule for rule with the options pycocoevalcap gets: PTB3 escaping on, newlines as tokens
// (`-preserveLines`), no Americanization, untokenizable characters deleted. The rules and their
// order follow PTBLexer.flex at that release; quirks are kept on purpose, e.g. "[" becomes
// "-LSB-", a run like "?!" is one token, and LIKELYURL's class holds the range ",-_".
//
// JFlex's [:letter:], [:digit:] and [:uppercase:] are its Unicode 6 tables (ptb_unicode.ts), not
// the JS engine's newer ones. Input is read in UTF-16 code units, so characters outside the BMP
// (emoji, rare CJK) are untokenizable and deleted, as upstream.
import { type CharTest, LongestMatch, type ScanRule } from "./longest_match.ts";
import { DIGIT as DIGIT_UNITS, LETTER as LETTER_UNITS, UPPERCASE as UPPERCASE_UNITS } from "./ptb_unicode.ts";

/** Token the lexer returns for a line break. */
export const NEWLINE_TOKEN = "*NL*";

const g = (s: string) => `(?:${s})`;

const LETTER_EXTRA = String.raw`\u00AD\u0237-\u024F\u02C2-\u02C5\u02D2-\u02DF\u02E5-\u02FF\u0300-\u036F\u0370-\u037D\u0384\u0385\u03CF\u03F6\u03FC-\u03FF\u0483-\u0487\u04CF\u04F6-\u04FF\u0510-\u0525\u055A-\u055F\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7\u0615-\u061A\u063B-\u063F\u064B-\u065E\u0670\u06D6-\u06EF\u06FA-\u06FF\u070F\u0711\u0730-\u074F\u0750-\u077F\u07A6-\u07B1\u07CA-\u07F5\u07FA\u0900-\u0903\u093C\u093E-\u094E\u0951-\u0955\u0962-\u0963\u0981-\u0983\u09BC-\u09C4\u09C7\u09C8\u09CB-\u09CD\u09D7\u09E2\u09E3\u0A01-\u0A03\u0A3C\u0A3E-\u0A4F\u0A81-\u0A83\u0ABC-\u0ACF\u0B82\u0BBE-\u0BC2\u0BC6-\u0BC8\u0BCA-\u0BCD\u0C01-\u0C03\u0C3E-\u0C56\u0D3E-\u0D44\u0D46-\u0D48\u0E30-\u0E3A\u0E47-\u0E4E\u0EB1-\u0EBC\u0EC8-\u0ECD`;
const MISC_SYMBOLS = String.raw`+%&~\^|\\\u00A6\u00A7\u00A8\u00A9\u00AC\u00AE\u00AF\u00B0-\u00B3\u00B4-\u00BA\u00D7\u00F7\u0387\u05BE\u05C0\u05C3\u05C6\u05F3\u05F4\u0600-\u0603\u0606-\u060A\u060C\u0614\u061B\u061E\u066A\u066D\u0703-\u070D\u07F6\u07F7\u07F8\u0964\u0965\u0E4F\u1FBD\u2016\u2017\u2020-\u2023\u2030-\u2038\u203B\u203E-\u2042\u2044\u207A-\u207F\u208A-\u208E\u2100-\u214F\u2190-\u21FF\u2200-\u2BFF\u3012\u30FB\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65`;

// Macros of PTBLexer.flex, each a group.
const SGML_NAME = String.raw`[A-Za-z][A-Za-z0-9_:.\-]*`;
const SGML = g(
  String.raw`<(?:[!?][A-Za-z\-][^>\r\n]*|${SGML_NAME}(?:[ ]+(?:${SGML_NAME}|${SGML_NAME}[ ]*=[ ]*(?:'[^']*'|"[^"]*")))*[ ]*\/?|\/${SGML_NAME})[ ]*>`,
);
const SPMDASH = g(String.raw`&(?:MD|mdash|ndash);|[\u0096\u0097\u2013\u2014\u2015]`);
const SPAMP = "&amp;";
const SPPUNC = g("&(?:HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);");
const SPLET = g("&[aeiouAEIOU](?:acute|grave|uml);");
const SPACE = String.raw`[ \t\u00A0\u2000-\u200A\u3000]`;
const NEWLINE = g(String.raw`\r|\r?\n|\u2028|\u2029|\u000B|\u000C|\u0085`);
const SPACENL = g(`${SPACE}|${NEWLINE}`);
const SENTEND = g(`${SPACENL}(?:${SPACENL}|\\p{uppercase}|${SGML})`);
const DIGIT = String.raw`[\p{digit}\u07C0-\u07C9]`;
const DATE = g(String.raw`${DIGIT}{1,2}[\-\/]${DIGIT}{1,2}[\-\/]${DIGIT}{2,4}`);
const NUMBER = g(String.raw`[\-+]?(?:${DIGIT}+|${DIGIT}*(?:[.:,\u00AD\u066B\u066C]${DIGIT}+)+)`);
const SUBSUPNUM = String.raw`[\u207A\u207B\u208A\u208B]?(?:[\u2070\u00B9\u00B2\u00B3\u2074-\u2079]+|[\u2080-\u2089]+)`;
const FRAC = g(String.raw`(?:${DIGIT}{1,4}[\- \u00A0])?${DIGIT}{1,4}(?:\\?\/|\u2044)${DIGIT}{1,4}`);
const FRAC2 = String.raw`[\u00BC\u00BD\u00BE\u2153-\u215E]`;
const DOLSIGN = g(String.raw`[A-Z]*\$|#`);
const DOLSIGN2 = String.raw`[\u00A2\u00A3\u00A4\u00A5\u0080\u20A0\u20AC\u060B\u0E3F\u20A4\uFFE0\uFFE1\uFFE5\uFFE6]`;
const LETTER = g(`\\p{letter}|${SPLET}|[${LETTER_EXTRA}]`);
const LETTER_OR_DIGIT = g(`${LETTER}|${DIGIT}`);
const WORD = g(`${LETTER}${LETTER_OR_DIGIT}*(?:[.!?]${LETTER}${LETTER_OR_DIGIT}*)*`);
const FILENAME_EXT = g(
  "bat|bmp|c|class|cgi|cpp|dll|doc|docx|exe|gif|gz|h|htm|html|jar|java|jpeg|jpg|mov|mp3|pdf|php|pl|png|ppt|ps|py|sql|tar|txt|wav|x|xml|zip",
);
const FILENAME = g(`${LETTER_OR_DIGIT}+(?:[.]${LETTER_OR_DIGIT}+)*[.]${FILENAME_EXT}`);
const APOS = g(String.raw`['\u0092\u2019]|&apos;`);
const APOSETCETERA = g(String.raw`${APOS}|[\x60\u0091\u2018\u201B]`);
const HYPHEN = String.raw`[\-_\u058A\u2010\u2011]`;
const ALNUM = String.raw`[\p{letter}\p{digit}]`;
const THING_PIECE = g(`(?:[dDoOlL]${APOSETCETERA}${ALNUM})?${ALNUM}+`);
const THING = g(`${THING_PIECE}(?:${HYPHEN}${THING_PIECE})*`);
const THINGA = g(`[A-Z]+(?:(?:[+&]|${SPAMP})[A-Z]+)+`);
const THING3 = g(String.raw`[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\?\/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}`);
const ACRO_SPECIAL = String.raw`(?:Canada|Sino|Korean|EU|Japan|non)-U\.S|U\.S\.-(?:U\.K|U\.S\.S\.R)`;
const ACRO = g(String.raw`[A-Za-z](?:\.[A-Za-z])*|${ACRO_SPECIAL}`);
const ACRO2 = g(String.raw`[A-Za-z](?:\.[A-Za-z])+|${ACRO_SPECIAL}`);
const HTHING = g(String.raw`[A-Za-z0-9][A-Za-z0-9.,\u00AD]*(?:-(?:[A-Za-z0-9\u00AD]+|${ACRO2}\.))+`);
const REDAUX = g(`${APOS}(?:[msdMSD]|re|ve|ll)`);
const SWORD = String.raw`[A-Za-z\u00AD]*[A-MO-Za-mo-z]\u00AD*`;
const SREDAUX = g(`n${APOSETCETERA}t`);
const APOWORD = g(
  [
    `${APOS}n${APOS}?`,
    `[lLdDjJ]${APOS}`,
    `Dunkin${APOS}`,
    `somethin${APOS}`,
    `ol${APOS}`,
    `${APOS}em`,
    String.raw`[A-HJ-XZn]${APOSETCETERA}\p{letter}{2}\p{letter}*`,
    `${APOS}[2-9]0s`,
    `${APOS}till?`,
    String.raw`\p{letter}\p{letter}*[aeiouyAEIOUY]${APOSETCETERA}[aeiouA-Z]\p{letter}*`,
    `${APOS}cause`,
    String.raw`cont'd\.?`,
    "'twas|nor'easter|c'mon|e'er|s'mores|ev'ry|li'l|nat'l",
    `O${APOSETCETERA}o`,
  ].join("|"),
);
const APOWORD2 = g(`y${APOS}`);
const FULLURL = g(String.raw`https?:\/\/[^ \t\n\f\r"<>|(){}]+[^ \t\n\f\r"<>|.!?(){},\-]`);
// ",-_" is a range (comma to underscore: digits and capitals too), as written upstream.
const LIKELYURL = g(
  String.raw`(?:www\.(?:[^ \t\n\f\r"<>|.!?(){},]+\.)+[a-zA-Z]{2,4}|(?:[^ \t\n\f\r"\x60'<>|.!?(){},-_$]+\.)+(?:com|net|org|edu))(?:\/[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},\-])?`,
);
const EMAIL = g(
  String.raw`(?:&lt;|<)?[a-zA-Z0-9][^ \t\n\f\r"<>|()\u00A0{}]*@(?:[^ \t\n\f\r"<>|(){}.\u00A0]+\.)*[^ \t\n\f\r"<>|(){}.\u00A0]+(?:&gt;|>)?`,
);
const TWITTER = g(`@[a-zA-Z_][a-zA-Z_0-9]*|#${LETTER}+`);
const ABSTATE =
  "Ala|Ariz|[A]z|[A]rk|Calif|Colo|Conn|Ct|Dak|[D]el|Fla|Ga|[I]ll|Ind|Kans?|Ky|[L]a|[M]ass|Md|Mich|Minn|[M]iss|Mo|Mont|Neb|Nev|Okla|[O]re|[P]a|Penn|Tenn|[T]ex|Va|Vt|[W]ash|Wisc?|Wyo";
const ABBREV1 = `${g(
  [
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec",
    "Mon|Tue|Tues|Wed|Thu|Thurs|Fri",
    ABSTATE,
    "Inc|Cos?|Corp|Pp?t[ye]s?|Ltd|Plc|Rt|Bancorp|Bhd|Assn|Univ|Intl|Sys",
    "tel|est|ext|sq",
    String.raw`Jr|Sr|Bros|(?:Ed|Ph)\.D|Blvd|Rd|Esq`,
    "etc|al|seq|Bldg",
  ].join("|"),
)}\\.`;
const ABTITLE =
  "Mr|Mrs|Ms|[M]iss|Drs?|Profs?|Sens?|Reps?|Attys?|Lt|Col|Gen|Messrs|Govs?|Adm|Rev|Maj|Sgt|Cpl|Pvt|Capt|Ste?|Ave|Pres|Lieut|Hon|Brig|Co?mdr|Pfc|Spc|Supts?|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|Mlle|Mme|Msgr|Sfc";
const ABBREV4 = g(
  String.raw`${ABTITLE}|vs|Alex|Wm|Jos|Cie|a\.k\.a|cf|TREAS|Ph|${ACRO}|Invt|Elec|Natl|M[ft]g|Dept`,
);
const ABBREV3 = String.raw`(?:ca|figs?|prop|nos?|art|bldg|prop|pp|op)\.`;
// Words after which an acronym's period is taken as also ending the sentence (case-sensitive
// first letter).
const SENTENCE_STARTERS = String.raw`[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[E]arlier|[H]e|[H]er|[H]ere|[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r\.|[M]s\.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]heir|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|[W]hile|[W]hat|[Y]et|[Y]ou`;
const PHONE = g(
  String.raw`(?:\([0-9]{2,3}\)[ \u00A0]?|(?:\+\+?)?(?:[0-9]{2,4}[\- \u00A0])?[0-9]{2,4}[\- \u00A0])[0-9]{3,4}[\- \u00A0]?[0-9]{3,5}|(?:(?:\+\+?)?[0-9]{2,4}\.)?[0-9]{2,4}\.[0-9]{3,4}\.[0-9]{3,5}`,
);
const LDOTS = g(String.raw`\.{3,5}|(?:\.[ \u00A0]){2,4}\.|[\u0085\u2026]`);
const INSENTP = String.raw`[,;:\u3001]`;
const QUOTES = g(
  String.raw`${APOS}|''|[\x60\u2018\u2019\u201A\u201B\u201C\u201D\u0091\u0092\u0093\u0094\u201E\u201F\u2039\u203A\u00AB\u00BB]{1,2}`,
);
const DBLQUOT = g(`"|&quot;`);
const TBSPEC = g(
  String.raw`-(?:RRB|LRB|RCB|LCB|RSB|LSB)-|C\.D\.s|pro-|anti-|S(?:&|&amp;)P-500|S(?:&|&amp;)Ls|Cap${APOS}n|c${APOS}est`,
);
const SMILEY = String.raw`[<>]?[:;=][\-o*']?[()DPdpO\\{@|[\]]`;
// The first alternative ends in a literal "[^x=~<>]" upstream (its brackets are escaped).
const ASIANSMILEY = g(
  String.raw`[\^x=~<>]\.\[\^x=~<>\]|[\-\^x=~<>']_[\-\^x=~<>']|\([\-\^x=~<>'][_.]?[\-\^x=~<>']\)|\([\^x=~<>']-[\^x=~<>'\x60]\)`,
);

const LEFT_SINGLE = /[\u0091\u2018\u201B\u2039]/g;
const RIGHT_SINGLE = /[\u0092\u2019\u203A]/g;
const LEFT_DOUBLE = /[\u0093\u201C\u00AB]/g;
const RIGHT_DOUBLE = /[\u0094\u201D\u00BB]/g;

/** PTB3 ("LaTeX") quotes: ` `` for opening, ' '' for closing. */
function latexQuotes(text: string, probablyLeft: boolean): string {
  return text
    .replace(/&apos;|'/g, probablyLeft ? "`" : "'")
    .replace(/"|&quot;/g, probablyLeft ? "``" : "''")
    .replace(LEFT_SINGLE, "`")
    .replace(RIGHT_SINGLE, "'")
    .replace(LEFT_DOUBLE, "``")
    .replace(RIGHT_DOUBLE, "''");
}

/** Soft hyphens are dropped; a token of only soft hyphens becomes "-". */
function removeSoftHyphens(text: string): string {
  return text.replace(/\u00AD/g, "") || "-";
}

const normalizeAmp = (text: string) => text.replace(/&amp;/gi, "&");
const spacesToNbsp = (text: string) => text.replace(/ /g, "\u00A0");
const escapeParens = (text: string) => text.replace(/\(/g, "-LRB-").replace(/\)/g, "-RRB-");
const FRACTIONS: Record<string, string> = {
  "\u00BC": "1/4",
  "\u00BD": "1/2",
  "\u00BE": "3/4",
  "\u2153": "1/3",
  "\u2154": "2/3",
};

interface LexRule extends ScanRule {
  /** Token text for the matched text; null for none. Default: the text itself. */
  emit?: (text: string) => string | null;
  /** Characters consumed (the rest is scanned again). Default: all. */
  keep?: (text: string) => number;
}

const skip = () => null;
const firstThree = { emit: (t: string) => t.slice(0, 3), keep: () => 3 };
const firstTwo = { emit: (t: string) => t.slice(0, 2), keep: () => 2 };
/** The abbreviation with its period, then the period again as its own token. */
const periodTwice = { keep: (t: string) => t.length - 1 };

const RULES: LexRule[] = [
  { pattern: "c[+][+]" },
  { pattern: "(?:c|f)#" },
  { pattern: "cannot", ...firstThree },
  { pattern: "'twas", ...firstTwo },
  { pattern: "'tis", ...firstTwo },
  { pattern: "gonna|gotta|lemme|gimme|wanna", ...firstThree },
  { pattern: SGML, emit: spacesToNbsp },
  { pattern: SPMDASH, emit: () => "--" },
  { pattern: SPAMP, emit: normalizeAmp },
  { pattern: SPPUNC },
  { pattern: WORD, context: REDAUX, emit: removeSoftHyphens },
  { pattern: SWORD, context: SREDAUX, emit: removeSoftHyphens },
  { pattern: WORD, emit: removeSoftHyphens },
  { pattern: APOWORD },
  { pattern: APOWORD2, context: String.raw`\p{letter}` },
  { pattern: FULLURL },
  { pattern: LIKELYURL },
  { pattern: EMAIL },
  { pattern: TWITTER },
  { pattern: REDAUX, context: "[^A-Za-z]", emit: (t) => latexQuotes(t, false) },
  { pattern: SREDAUX, context: "[^A-Za-z]", emit: (t) => latexQuotes(t, false) },
  { pattern: DATE },
  { pattern: NUMBER, emit: removeSoftHyphens },
  { pattern: SUBSUPNUM },
  { pattern: FRAC, emit: spacesToNbsp },
  { pattern: FRAC2, emit: (t) => FRACTIONS[t] ?? t },
  { pattern: TBSPEC, emit: normalizeAmp },
  { pattern: THING3 },
  { pattern: DOLSIGN },
  {
    pattern: DOLSIGN2,
    emit: (t) =>
      t
        .replace(/\u00A2/g, "cents")
        .replace(/\u00A3/g, "#")
        .replace(/[\u0080\u00A4\u20A0\u20AC]/g, "$"),
  },
  {
    // An acronym before a likely sentence start: "U.S." then "." again; a single letter loses it.
    pattern: `${ACRO}\\.`,
    context: `${SPACENL}+(?:${SENTENCE_STARTERS}|${SGML})${SPACENL}`,
    emit: (t) => (t.length === 2 ? t[0] : t),
    keep: (t) => t.length - 1,
  },
  { pattern: ABBREV3, context: `${SPACENL}?\\p{digit}` },
  { pattern: String.raw`(?:pt[eyEY]|co)\.`, context: `${SPACE}(?:ltd|lim)` },
  { pattern: ABBREV1, context: SENTEND, ...periodTwice },
  { pattern: ABBREV1, context: "[^][^]" },
  { pattern: ABBREV1, ...periodTwice },
  { pattern: `${ABBREV4}\\.` },
  { pattern: ABBREV4, context: SPACE },
  { pattern: ACRO, context: SPACENL },
  { pattern: `${APOS}[0-9][0-9]`, context: SPACENL },
  { pattern: FILENAME, context: `${SPACENL}|[.?!,]` },
  { pattern: `${WORD}\\.`, context: INSENTP, emit: removeSoftHyphens },
  { pattern: PHONE, emit: (t) => escapeParens(spacesToNbsp(t)) },
  { pattern: DBLQUOT, context: "[A-Za-z0-9$]", emit: (t) => latexQuotes(t, true) },
  { pattern: DBLQUOT, emit: (t) => latexQuotes(t, false) },
  { pattern: String.raw`\x7f`, emit: skip },
  { pattern: "<|&lt;", emit: () => "<" },
  { pattern: ">|&gt;", emit: () => ">" },
  { pattern: SMILEY, context: "[^A-Za-z0-9]", emit: escapeParens },
  { pattern: ASIANSMILEY, emit: escapeParens },
  { pattern: String.raw`\{`, emit: () => "-LCB-" },
  { pattern: String.raw`\}`, emit: () => "-RCB-" },
  { pattern: String.raw`\[`, emit: () => "-LSB-" },
  { pattern: String.raw`\]`, emit: () => "-RSB-" },
  { pattern: String.raw`\(`, emit: () => "-LRB-" },
  { pattern: String.raw`\)`, emit: () => "-RRB-" },
  { pattern: String.raw`\-+`, emit: (t) => (t.length === 3 || t.length === 4 ? "--" : t) },
  { pattern: LDOTS, emit: () => "..." },
  { pattern: "@+|#+|_+" },
  { pattern: String.raw`\*+|(?:\\\*){1,3}` },
  { pattern: INSENTP },
  { pattern: "[?!]+" },
  { pattern: String.raw`[.\u00A1\u00BF\u037E\u0589\u061F\u06D4\u0700-\u0702\u07FA\u3002]` },
  { pattern: "=" },
  { pattern: String.raw`\/` },
  { pattern: `${HTHING}\\.`, context: INSENTP, emit: removeSoftHyphens },
  { pattern: HTHING, emit: removeSoftHyphens },
  { pattern: `${THING}\\.`, context: INSENTP },
  { pattern: THING },
  { pattern: `${THINGA}\\.`, context: INSENTP, emit: normalizeAmp },
  { pattern: THINGA, emit: normalizeAmp },
  { pattern: "'", context: String.raw`[A-Za-z][^ \t\n\r\u00A0]`, emit: (t) => latexQuotes(t, true) },
  { pattern: REDAUX, emit: (t) => latexQuotes(t, false) },
  { pattern: SREDAUX, emit: (t) => latexQuotes(t, false) },
  { pattern: QUOTES, emit: (t) => latexQuotes(t, false) },
  { pattern: "<<|>>" },
  { pattern: `[${MISC_SYMBOLS}]` },
  { pattern: String.raw`\0|${SPACE}+|[\u200B\u200E\u200F\uFEFF]`, emit: skip },
  { pattern: NEWLINE, emit: () => NEWLINE_TOKEN },
  { pattern: "&nbsp;", emit: skip },
  // Anything else is untokenizable and deleted.
  { pattern: ".", emit: skip },
];

/** Membership in a list of hex code-unit ranges ("0041-005a 00aa ..."). */
function unitSet(ranges: string): CharTest {
  const member = new Uint8Array(0x10000);
  for (const item of ranges.split(" ")) {
    const [lo, hi = lo] = item.split("-").map((h) => Number.parseInt(h, 16));
    member.fill(1, lo, hi + 1);
  }
  return (code) => member[code] === 1;
}

let scanner: LongestMatch | undefined;

/** PTBLexer's tokens for `text`, in its normalised (not yet lowercased) forms. */
export function ptbLex(text: string): string[] {
  scanner ??= new LongestMatch(RULES, {
    caseless: true,
    classes: {
      letter: unitSet(LETTER_UNITS),
      digit: unitSet(DIGIT_UNITS),
      uppercase: unitSet(UPPERCASE_UNITS),
    },
  });
  const tokens: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const m = scanner.match(text, pos);
    if (!m) throw new Error(`no PTB rule matches at ${pos} of ${JSON.stringify(text)}`);
    const rule = RULES[m.rule];
    const matched = text.slice(pos, pos + m.length);
    const token = rule.emit ? rule.emit(matched) : matched;
    if (token !== null) tokens.push(token);
    pos += rule.keep ? rule.keep(matched) : matched.length;
  }
  return tokens;
}
