// Both stages through the CLI on the sandbox: stage 1 writes a connector and the run accounting; stage 2
// starts from that connector, writes a base checkpoint beside it and a PEFT adapter, and base + adapter reproduce the
// trained weights exactly, as does the checkpoint `lntune merge` writes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { loadLlava } from "../../src/models/load.ts";
import { loadAdapter } from "../../src/tuning/peft_adapter.ts";
import { readAdapterConfig } from "../../src/tuning/peft_config.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

function lntune(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

test("pretrain → finetune → adapter (or merge) on the written base reproduces the trained weights", {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-run-"));
  const data = await tinyWorld(join(dir, "data"), { train: 16, seed: 2 });
  const { llm, vision } = tinyModels(join(dir, "models"), 2);
  const common = [
    "--llm",
    llm,
    "--vision",
    vision,
    "--images",
    data.images,
    "--batch-size",
    "4",
    "--max-steps",
    "2",
  ];
  lntune(
    "pretrain",
    ...common,
    "--data",
    data.pretrain,
    "--template",
    "vicuna_v1",
    "--output",
    join(dir, "s1"),
  );
  const run1 = JSON.parse(readFileSync(join(dir, "s1", "run.json"), "utf8"));
  assert.equal(run1.method, "connector");
  assert.equal(run1.trainable.count, 64 * 64 + 64);
  for (const key of ["weightBytes", "gradientBytes", "optimizerBytes", "peakActivationBytes", "peakRssBytes"])
    assert.ok(run1.memory[key] > 0, key);
  assert.equal(run1.memory.gradientBytes, 4 * run1.trainable.count);
  const connector = join(dir, "s1", "connector.safetensors");

  const out = join(dir, "s2");
  lntune(
    "finetune",
    ...common,
    "--data",
    data.finetune,
    "--connector",
    connector,
    "--method",
    "ln",
    "--output",
    out,
  );
  // The adapter names the base written next to the stage-1 connector; it holds that connector, not a fresh one.
  const baseDir = readAdapterConfig(join(out, "adapter")).baseModelNameOrPath!;
  assert.equal(dirname(baseDir), join(dir, "s1"));
  const saved = openSafetensors(connector);
  const base = loadLlava(baseDir);
  assert.deepEqual(base.projector.linear_1.weight.readF32(), saved.read("projector.linear_1.weight").data);
  saved.close();
  // Base + adapter = the final trainable weights of the run.
  loadAdapter(join(out, "adapter"), base);
  const final = openSafetensors(join(out, "checkpoints", "step-0000002", "trainable.safetensors"));
  const params = new Map(base.namedParameters());
  for (const name of final.names())
    assert.deepEqual(params.get(name)!.readF32(), final.read(name).data, name);
  // lntune merge bakes the adapter in; the merged checkpoint (tower folder included) loads on its own.
  lntune("merge", "--model", baseDir, "--adapter", join(out, "adapter"), "--output", join(dir, "merged"));
  const merged = new Map(loadLlava(join(dir, "merged")).namedParameters());
  for (const name of final.names())
    assert.deepEqual(merged.get(name)!.readF32(), final.read(name).data, name);
  final.close();
});
