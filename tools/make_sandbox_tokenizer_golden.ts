// Encodes text with the shipped sandbox tokenizer (assets/sandbox/llm/tokenizer.json) through Hugging Face's
// own tokenizers library (the Rust code Python's `tokenizers` wraps, here through its Node binding), as the
// golden test/sandbox/pretrained/tokenizer_rust.test.ts compares lntune's loader against. Rerun after the
// tokenizer is remade. The binding is not a dependency of lntune; install it for this script only:
//   npm install --no-save tokenizers@0.23.2 && node --import tsx tools/make_sandbox_tokenizer_golden.ts
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { sandboxModels } from "../src/sandbox/pretrained/shipped.ts";
import { worldLanguage } from "../src/sandbox/world/language.ts";

interface RustTokenizer {
  encode(text: string): Promise<{ getIds(): number[] }>;
}
const { Tokenizer } = createRequire(import.meta.url)("tokenizers") as {
  Tokenizer: { fromFile(path: string): RustTokenizer };
};

const tokenizer = Tokenizer.fromFile(join(sandboxModels().llm, "tokenizer.json"));
// Every 25th world sentence, and text outside the alphabet, around special tokens and with odd spacing.
const texts = [
  ...worldLanguage().filter((_, i) => i % 25 === 0),
  "Mr. President, Members of Congress: the State of our Union is strong.",
  "Héllo wörld € ünïcode and emoji 🙂",
  "USER: What is it?\nASSISTANT: A red circle.</s>USER: <s>again",
  "  two  spaces and a tab\there ",
  "",
];
const ids: number[][] = [];
for (const t of texts) ids.push((await tokenizer.encode(t)).getIds());
const out = new URL("../test/sandbox/pretrained/fixtures/tokenizer_rust_ids.json", import.meta.url);
writeFileSync(
  out,
  `${JSON.stringify({ source: "tokenizers (Rust) 0.23.2, Tokenizer.fromFile + encode", texts, ids })}\n`,
);
console.log(`${texts.length} texts → ${out.pathname}`);
