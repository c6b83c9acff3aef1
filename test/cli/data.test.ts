import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { LLAMA2_DIR } from "../io/tokenizer_fixtures.ts";

const DATA = fileURLToPath(new URL("../fixtures/data/mixed.jsonl", import.meta.url));
const IMAGES = fileURLToPath(new URL("../fixtures/images", import.meta.url));

const BIN = fileURLToPath(new URL("../../bin/lntune.js", import.meta.url));

// A child process: the test runner reports through this process's stdout, so it cannot be captured here.
async function run(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args]);
  return stdout;
}

test("lntune data stats --json", async () => {
  const stats = JSON.parse(
    await run(["data", "stats", DATA, "--images", IMAGES, "--tokenizer", LLAMA2_DIR, "--json"]),
  );
  assert.equal(stats.samples, 3);
  assert.equal(stats.withImage, 2);
  assert.deepEqual(stats.images, { found: 2, missing: 1 });
  assert.equal(stats.bad.image_missing, 1);
  assert.equal(stats.bad.image_path_escapes, 2);
  assert.equal(stats.types.detail.samples, 1);
  assert.equal(stats.types.conversation.samples, 2);
  assert.ok(stats.types.conversation.tokens > stats.types.conversation.trainedTokens);
  assert.equal(
    stats.lengths.counts.reduce((a: number, b: number) => a + b, 0),
    3,
  );
});

test("lntune data stats prints a summary without a tokenizer", async () => {
  const text = await run(["data", "stats", DATA, "--images", IMAGES]);
  assert.match(text, /samples: 3 \(2 with an image\)/);
  assert.match(text, /non_alternating_turns: 1/);
  assert.doesNotMatch(text, /token lengths/);
});
