import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { withAtomicFile, writeAll, writeFileAtomic } from "../../src/io/atomic_write.ts";
import { scratchDir } from "./helpers.ts";

const dir = scratchDir();

test("writeFileAtomic creates and replaces files, leaving no temporary behind", () => {
  const path = join(dir, "out.json");
  writeFileAtomic(path, '{"a":1}');
  assert.equal(readFileSync(path, "utf8"), '{"a":1}');
  writeFileAtomic(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ["out.json"]);
});

test("while writing, the target keeps its old content and the new one sits in a side file", () => {
  const path = join(dir, "state.bin");
  writeFileAtomic(path, "old");
  withAtomicFile(path, (fd) => {
    writeAll(fd, new TextEncoder().encode("new content"));
    assert.equal(readFileSync(path, "utf8"), "old");
    const tmp = readdirSync(dir).filter((f) => f.startsWith("state.bin.tmp-"));
    assert.equal(tmp.length, 1);
    assert.match(tmp[0], new RegExp(`^state\\.bin\\.tmp-${process.pid}-[0-9a-f]{12}$`));
  });
  assert.equal(readFileSync(path, "utf8"), "new content");
});

test("a failure mid-write leaves the target untouched and removes the side file", () => {
  const path = join(dir, "keep.bin");
  writeFileAtomic(path, "intact");
  assert.throws(
    () =>
      withAtomicFile(path, (fd) => {
        writeAll(fd, new TextEncoder().encode("half-writ"));
        throw new Error("disk on fire");
      }),
    /disk on fire/,
  );
  assert.equal(readFileSync(path, "utf8"), "intact");
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith("keep.bin")),
    ["keep.bin"],
  );
});
