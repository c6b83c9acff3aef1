import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { decodeUtf8, parseJson, readTextFile, readTextLines } from "../../src/io/text.ts";
import { scratchDir } from "./helpers.ts";

// Expected positions are counted by hand: line and column (1-based) of the first character JSON cannot accept.
const cases: Array<[string, string]> = [
  ['{"a": 1,}', "1:9"],
  ['{"a" 1}', "1:6"],
  ["[1, 2\n, 3\n  , ]", "3:5"],
  ['{\n  "a": tru\n}', "2:8"],
  ['{"a": "x\ty"}', "1:9"],
  ['{"a": "\\q"}', "1:9"],
  ["[1] 2", "1:5"],
  ['{"a": [1, 2', "1:12"],
  ["", "1:1"],
  ["-", "1:1"],
  ["01", "1:2"],
];

for (const [text, where] of cases) {
  test(`parseJson names line:column ${where} of ${JSON.stringify(text)}`, () => {
    assert.throws(
      () => parseJson(text, "f.json"),
      (err: Error) => err.message.startsWith(`f.json:${where}: not valid JSON (`),
    );
  });
}

test("parseJson numbers lines from the excerpt's first line (one line of a JSONL file)", () => {
  assert.throws(() => parseJson('{"a":}', "f.jsonl", 7), /^SyntaxError: f\.jsonl:7:6: /);
  assert.deepEqual(parseJson('{"a": [1, "\\u00e9"]}', "f.json"), { a: [1, "é"] });
});

test("decodeUtf8 refuses Latin-1 bytes, naming line, column and byte", () => {
  const bytes = Buffer.concat([Buffer.from("ok\nca"), Buffer.from([0xe9]), Buffer.from("t\n")]);
  assert.throws(() => decodeUtf8(bytes, "d.json"), /^Error: d\.json:2:3: not valid UTF-8 \(byte 0xe9\)/);
  // Overlong encodings and lone continuation bytes are malformed too.
  assert.throws(() => decodeUtf8(Buffer.from([0x61, 0xc0, 0xaf]), "x"), /x:1:2: /);
  assert.throws(() => decodeUtf8(Buffer.from([0x80]), "x"), /x:1:1: /);
  assert.equal(decodeUtf8(Buffer.from("héllo ✓ 🙂"), "x"), "héllo ✓ 🙂");
});

test("readTextFile refuses a non-UTF-8 file and names a missing one", () => {
  const dir = scratchDir();
  const bad = join(dir, "latin1.json");
  writeFileSync(bad, Buffer.from([0x5b, 0x22, 0xe9, 0x22, 0x5d]));
  assert.throws(() => readTextFile(bad), /latin1\.json:1:3: not valid UTF-8/);
  assert.throws(() => readTextFile(join(dir, "missing.json")), /missing\.json: cannot read file/);
});

test("readTextLines streams lines across read chunks, strips CR, and refuses bad UTF-8 by line", async () => {
  const dir = scratchDir();
  // A multi-byte character straddles the 64 KiB chunk boundary of the read stream.
  const long = `${"a".repeat(65535)}é`;
  const file = join(dir, "lines.txt");
  writeFileSync(file, `first\r\n${long}\n\nlast`);
  const got = [];
  for await (const l of readTextLines(file)) got.push(l);
  assert.deepEqual(got, [
    { line: 1, text: "first" },
    { line: 2, text: long },
    { line: 3, text: "" },
    { line: 4, text: "last" },
  ]);
  const bad = join(dir, "bad.jsonl");
  writeFileSync(
    bad,
    Buffer.concat([Buffer.from('{}\n{}\n{"a": "'), Buffer.from([0xff]), Buffer.from('"}\n')]),
  );
  await assert.rejects(async () => {
    for await (const _ of readTextLines(bad));
  }, /bad\.jsonl:3:8: not valid UTF-8 \(byte 0xff\)/);
});
