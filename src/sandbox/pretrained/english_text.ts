// General English for the sandbox LLM's pretraining: raw documents cleaned to the tokenizer's alphabet
// (printable ASCII) and cut into passages of whole sentences, a seeded selection of them.
import { Rng } from "../../tensor/rng.ts";

/** Printable ASCII and the newline: the characters the sandbox tokenizer has tokens for. */
export const ALPHABET = ["\n", ...Array.from({ length: 126 - 32 }, (_, i) => String.fromCharCode(33 + i))];

const REPLACEMENTS: Array<[RegExp, string]> = [
  // Combining marks left by the decomposition (é → e + ´).
  [/[\u0300-\u036f]/g, ""],
  [/[\u2010\u2011]/g, "-"],
  [/[\u2018\u2019\u201b\u2032]/g, "'"],
  [/[\u201c\u201d\u201f\u2033]/g, '"'],
  [/[\u2013\u2014\u2015]/g, " - "],
  [/\u2026/g, "..."],
];

/** Typographic quotes and dashes as ASCII, other characters outside the alphabet dropped, blanks collapsed. */
export function cleanEnglish(text: string): string {
  let t = text.normalize("NFKD");
  for (const [re, s] of REPLACEMENTS) t = t.replace(re, s);
  return t
    .replace(/[^\x20-\x7e]/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}

/** Passages of whole sentences, each at most `maxChars` long (a longer sentence is left out). */
export function passages(text: string, maxChars: number): string[] {
  const sentences = cleanEnglish(text).match(/[^.!?]+[.!?]+["')]*\s*/g) ?? [];
  const out: string[] = [];
  let current = "";
  for (const raw of sentences) {
    const s = raw.trim();
    if (s.length > maxChars) continue;
    if (current && current.length + 1 + s.length > maxChars) {
      out.push(current);
      current = "";
    }
    current = current ? `${current} ${s}` : s;
  }
  if (current) out.push(current);
  return out;
}

/** `count` passages drawn without replacement from all documents' passages, in a seeded order. */
export function samplePassages(
  documents: readonly string[],
  count: number,
  maxChars: number,
  seed: number,
): string[] {
  const all = documents.flatMap((d) => passages(d, maxChars));
  return new Rng(seed).shuffle(all).slice(0, count);
}
