// Caption tokenisation as pycocoevalcap's PTBTokenizer wrapper does it: each caption's "\n" becomes
// a space, the captions are joined by newlines and run through CoreNLP 3.4.1's PTBTokenizer with
// `-preserveLines -lowerCase`, and the wrapper's punctuation list is dropped from every line.
// That list names brackets only in upper case ("-LRB-"), so the lowercased "-lrb-", "-lsb-", ...
// stay, as do runs such as "!!" or "?!". A caption's tokens can depend on the start of the next
// one (a period after "U.S." or "etc." is repeated before some words), so captions scored
// together are tokenised together.
//
// Other line breaks inside a caption (\r, \v, \f, U+2028, U+2029) would make upstream print
// extra lines and pair every later caption with the wrong tokens; they are read as spaces here.
import { javaLowerCase } from "./java_lower_case.ts";
import { NEWLINE_TOKEN, ptbLex } from "./ptb_lexer.ts";

/** pycocoevalcap's PUNCTUATIONS. */
const PUNCTUATION = new Set("'' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;".split(" "));

/** Lines of lowercased tokens, as `PTBTokenizer -preserveLines -lowerCase` prints them. */
export function ptbTokenLines(text: string): string[][] {
  const lines: string[][] = [[]];
  for (const token of ptbLex(text)) {
    if (token === NEWLINE_TOKEN) lines.push([]);
    else lines[lines.length - 1].push(javaLowerCase(token));
  }
  return lines;
}

/** pycocoevalcap's tokenised form of each caption: tokens without punctuation, joined by spaces. */
export function tokenizeCaptions(captions: readonly string[]): string[] {
  if (captions.length === 0) return [];
  const text = captions.map((c) => c.replace(/[\n\r\v\f\u2028\u2029]/g, " ")).join("\n");
  const lines = ptbTokenLines(text);
  if (lines.length !== captions.length) {
    // Only an SGML-like tag with a quoted attribute can run across the joining newline.
    throw new Error(
      `PTB tokenizer: ${captions.length} captions gave ${lines.length} lines; a token spans two captions`,
    );
  }
  return lines.map((tokens) => tokens.filter((t) => !PUNCTUATION.has(t)).join(" "));
}

/** One caption tokenised on its own (as the last line of the tokenizer's input). */
export function tokenizeCaption(caption: string): string {
  return tokenizeCaptions([caption])[0];
}
