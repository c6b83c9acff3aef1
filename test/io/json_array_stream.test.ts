import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { streamJsonArray } from "../../src/io/json_array_stream.ts";
import { scratchDir } from "./helpers.ts";

const dir = scratchDir();
let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${n++}.json`);
  writeFileSync(path, content);
  return path;
}

async function read(path: string) {
  const out = [];
  for await (const e of streamJsonArray(path)) out.push(e);
  return out;
}

test("streamed JSON array elements equal JSON.parse of the whole document, with their start lines", async () => {
  const doc = `[
  {"id": "1", "conversations": [{"from": "human", "value": "a, [b] {c} \\" \\\\"}]},
  "str,ing ]", 12.5e3 , -1,true,null,
  [[], {}], {"é": "✓ 🙂"}
]
`;
  const got = await read(file(doc));
  assert.deepEqual(
    got.map((e) => e.value),
    JSON.parse(doc),
  );
  assert.deepEqual(
    got.map((e) => e.line),
    [2, 3, 3, 3, 3, 3, 4, 4],
  );
  assert.deepEqual(await read(file(" [ ] ")), []);
});

test("elements spanning read chunks are reassembled", async () => {
  const items = Array.from({ length: 300 }, (_, i) => ({ id: i, text: `${"x".repeat(997)}é${i}` }));
  const got = await read(file(JSON.stringify(items)));
  assert.deepEqual(
    got.map((e) => e.value),
    items,
  );
});

test("malformed lists are refused with the file's line and column", async () => {
  const cases: Array<[string, RegExp]> = [
    ['{"a": 1}', /:1:1: expected a JSON list$/],
    ["[1 2]", /:1:4: expected "," or "\]" after an element$/],
    ["[1,]", /:1:4: expected a value$/],
    ["[1, 2", /:1:5: unexpected end of the file$/],
    ["[1] x", /:1:5: unexpected content after the end of the list$/],
    ['[\n  {"a": 1},\n  {"b" 2}\n]', /:3:8: not valid JSON/],
    ["", /:1:0: expected a JSON list$/],
  ];
  for (const [content, message] of cases) await assert.rejects(read(file(content)), message, content);
  await assert.rejects(
    read(file(Buffer.concat([Buffer.from('[\n "ok",\n "caf'), Buffer.from([0xe9]), Buffer.from('"]')]))),
    /:3:5: not valid UTF-8/,
  );
});
