import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadTokenizer } from "../../../src/io/tokenizer.ts";
import { sandboxModels } from "../../../src/sandbox/pretrained/shipped.ts";

// Golden ids from Hugging Face's tokenizers library (Rust, as Python's `tokenizers` runs it) loading the
// shipped tokenizer.json; made by tools/make_sandbox_tokenizer_golden.ts.
const golden = JSON.parse(
  readFileSync(new URL("fixtures/tokenizer_rust_ids.json", import.meta.url), "utf8"),
) as { texts: string[]; ids: number[][] };

test("the shipped tokenizer encodes as Hugging Face's Rust tokenizers does (BOS, merges, <unk>, specials)", () => {
  const tokenizer = loadTokenizer(sandboxModels().llm);
  assert.ok(golden.texts.length > 50);
  golden.texts.forEach((text, i) => {
    assert.deepEqual(tokenizer.encode(text), golden.ids[i], JSON.stringify(text));
  });
});
