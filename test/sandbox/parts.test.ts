// The demo's resumable parts (parts.ts): a finished part is read back, not recomputed; changed settings clear
// its directory; an unfinished part keeps what it had written; an unreadable result names its file.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type PartLog, part } from "../../src/sandbox/parts.ts";

const newLog = (): PartLog => ({ computed: [], reused: [] });

test("a finished part is read back without running again; other settings clear its directory and run it", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "lntune-parts-")), "p");
  let runs = 0;
  const work = async (d: string) => {
    runs++;
    writeFileSync(join(d, `output-${runs}`), "x");
    return { runs };
  };
  const log = newLog();
  assert.deepEqual((await part(dir, { lr: 1 }, work, log)).value, { runs: 1 });
  assert.deepEqual((await part(dir, { lr: 1 }, work, log)).value, { runs: 1 });
  assert.equal(runs, 1);
  assert.deepEqual(log, { computed: [dir], reused: [dir] });
  const again = await part(dir, { lr: 2 }, work, log);
  assert.deepEqual(again.value, { runs: 2 });
  assert.ok(!existsSync(join(dir, "output-1")), "the old part's files are gone");
  assert.ok(existsSync(join(dir, "output-2")));
  rmSync(dir, { recursive: true, force: true });
});

test("an interrupted part runs again in its directory, keeping what it wrote; a changed one starts empty", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "lntune-parts-")), "p");
  await assert.rejects(
    part(
      dir,
      { n: 1 },
      async (d) => {
        writeFileSync(join(d, "checkpoint"), "step 3");
        throw new Error("interrupted");
      },
      newLog(),
    ),
    /interrupted/,
  );
  const resumed = await part(
    dir,
    { n: 1 },
    async (d) => readFileSync(join(d, "checkpoint"), "utf8"),
    newLog(),
  );
  assert.equal(resumed.value, "step 3");

  const other = join(dir, "..", "q");
  await assert.rejects(
    part(
      other,
      { n: 1 },
      async (d) => {
        writeFileSync(join(d, "checkpoint"), "step 3");
        throw new Error("interrupted");
      },
      newLog(),
    ),
  );
  const changed = await part(other, { n: 2 }, async (d) => existsSync(join(d, "checkpoint")), newLog());
  assert.equal(changed.value, false);
});

test("an unreadable result.json is an error that names the file", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "lntune-parts-")), "p");
  await part(dir, {}, async () => 1, newLog());
  writeFileSync(join(dir, "result.json"), "{ not json");
  await assert.rejects(
    part(dir, {}, async () => 1, newLog()),
    (e: Error) => e.message.startsWith(`${join(dir, "result.json")}: unreadable`),
  );
});
