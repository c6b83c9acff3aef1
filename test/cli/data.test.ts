import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** Exit status and both streams, for runs expected to fail. */
async function runStatus(args: string[]) {
  return promisify(execFile)(process.execPath, [BIN, ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

test("lntune data stats --json", async () => {
  const stats = JSON.parse(
    await run(["data", "stats", DATA, "--images", IMAGES, "--tokenizer", LLAMA2_DIR, "--json"]),
  );
  assert.equal(stats.samples, 3);
  assert.equal(stats.withImage, 2);
  assert.deepEqual(stats.images, { found: 2, missing: 1, undecodable: 0, tooLarge: 0 });
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

test("lntune data stats counts undecodable and over-limit images as such, not as found", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-stats-"));
  copyFileSync(join(IMAGES, "gray_29x17.png"), join(dir, "ok.png"));
  // A PNG cut short after its header, and text saved with an image name.
  writeFileSync(join(dir, "cut.png"), readFileSync(join(IMAGES, "palette_21x21.png")).subarray(0, 60));
  writeFileSync(join(dir, "text.jpg"), "not an image");
  const sample = (id: string, image: string) => ({
    id,
    image,
    conversations: [
      { from: "human", value: "<image>\nWhat is it?" },
      { from: "gpt", value: "A square." },
    ],
  });
  const data = join(dir, "data.json");
  writeFileSync(
    data,
    JSON.stringify([sample("1", "ok.png"), sample("2", "cut.png"), sample("3", "text.jpg")]),
  );
  const stats = JSON.parse(await run(["data", "stats", data, "--images", dir, "--json"]));
  assert.deepEqual(stats.images, { found: 1, missing: 0, undecodable: 2, tooLarge: 0 });
  assert.deepEqual([stats.samples, stats.bad.image_undecodable], [1, 2]);
  rmSync(dir, { recursive: true });
});

test("lntune data stats on an empty data file says there is nothing to train on and exits 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-stats-"));
  writeFileSync(join(dir, "empty.json"), "[]");
  const r = await runStatus(["data", "stats", join(dir, "empty.json"), "--images", dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /empty\.json: no usable samples/);
  assert.match(r.stdout, /samples: 0/);
  rmSync(dir, { recursive: true });
});
