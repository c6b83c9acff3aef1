import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { validateTokenizerJson } from "../../src/io/tokenizer_json.ts";

const valid = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../fixtures/eval/harness/tokenizer/tokenizer.json", import.meta.url)),
    "utf8",
  ),
);

function broken(edit: (doc: Record<string, any>) => void) {
  const doc = structuredClone(valid);
  edit(doc);
  return () => validateTokenizerJson(doc, "t/tokenizer.json");
}

test("tokenizer.json validation accepts the fixture and names file and JSON path of each defect", () => {
  validateTokenizerJson(valid, "t/tokenizer.json");
  const first = Object.keys(valid.model.vocab)[0];
  assert.throws(
    broken((d) => {
      d.model.vocab[first] = 2 ** 31;
    }),
    new RegExp(
      `^Error: t/tokenizer\\.json: "model\\.vocab\\[\\"${first}\\"\\]" has id 2147483648, not an integer in \\[0, 16777216\\)`,
    ),
  );
  assert.throws(
    broken((d) => delete d.model),
    /t\/tokenizer\.json: "model" is missing or not an object/,
  );
  assert.throws(
    broken((d) => (d.added_tokens = [null])),
    /"added_tokens\[0\]" is not a token object/,
  );
  // Found by fuzzing: null reached the tokenizers library, which iterates it.
  assert.throws(
    broken((d) => (d.added_tokens = null)),
    /"added_tokens" is not a list/,
  );
  assert.throws(
    broken((d) => (d.added_tokens[0].id = -1)),
    /"added_tokens\[0\]" has id -1/,
  );
  assert.throws(
    broken((d) => (d.model.merges = [3])),
    /"model\.merges\[0\]" is neither/,
  );
  assert.throws(
    broken((d) => (d.decoder = { type: 1 })),
    /"decoder" has no string type/,
  );
  assert.throws(
    broken((d) => (d.post_processor.single[1] = true)),
    /"post_processor\.single\[1\]" is not \{"SpecialToken"/,
  );
  assert.throws(
    broken((d) => (d.normalizer.normalizers[1].pattern = {})),
    /"normalizer\.normalizers\[1\]\.pattern" is not \{"String": …\}/,
  );
  assert.throws(
    broken((d) => (d.normalizer = { type: "Sequence", normalizers: [{}] })),
    /"normalizer\.normalizers\[0\]" has no string type/,
  );
});
