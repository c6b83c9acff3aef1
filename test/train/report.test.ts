// `lntune report`: run.json files side by side.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { formatReport, readRun } from "../../src/train/report.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

function runDir(root: string, name: string, run: object): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "run.json"), JSON.stringify(run));
  return dir;
}

test("runs are read from run.json and tabulated; stage 1 is named as such", () => {
  const root = mkdtempSync(join(tmpdir(), "lntune-report-"));
  const memory = {
    weightBytes: 2 ** 20,
    gradientBytes: 1024,
    optimizerBytes: 2048,
    peakActivationBytes: 3 * 2 ** 20,
    peakRssBytes: 2 ** 30,
  };
  const a = runDir(root, "s1", {
    stage: "pretrain",
    method: "connector",
    paperName: "connector only (ablation)",
    trainable: { count: 10, total: 1000 },
    memory,
    steps: 5,
    finalLoss: 1.25,
  });
  const b = runDir(root, "ln", {
    stage: "finetune",
    method: "ln-simp",
    paperName: "LayerNorm-simp.",
    trainable: { count: 4, total: 100000 },
    memory,
  });
  const runs = [readRun(a), readRun(b)];
  assert.equal(runs[0].paperName, "stage 1 (connector)");
  assert.equal(runs[0].percent, 1);
  assert.equal(runs[1].steps, null);
  const table = formatReport(runs).split("\n");
  assert.equal(table.length, 3);
  assert.match(
    table[1],
    /stage 1 \(connector\)\s+10\s+1\.00\s+1\.0\s+0\.0\s+0\.0\s+3\.0\s+1024\.0\s+5\s+1\.2500$/,
  );
  assert.match(table[2], /LayerNorm-simp\.\s+4\s+0\.0040/);
  const cli = spawnSync(process.execPath, [CLI, "report", a, b, "--json"], { encoding: "utf8" });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(
    JSON.parse(cli.stdout).map((r: { method: string }) => r.method),
    ["connector", "ln-simp"],
  );
  const missing = spawnSync(process.execPath, [CLI, "report", root], { encoding: "utf8" });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no run\.json/);
});
