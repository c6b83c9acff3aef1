// The joined LLaVA a finetune run's adapter applies to is written once per set of inputs and shared: two runs
// from one stage-1 connector refer to one base beside it and hold no copy; a run with a fresh connector puts
// its base beside the run directory; writers that race end with one complete base; a damaged or foreign base
// is refused; a dead writer's temporary directory is swept.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, truncateSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { mock, test } from "node:test";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { composeLlava } from "../../src/models/compose.ts";
import { loadLlava } from "../../src/models/load.ts";
import { type BaseInputs, ensureSharedBase, sharedBasePath } from "../../src/train/shared_base.ts";
import { readAdapterConfig } from "../../src/tuning/peft_config.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

function lntune(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

const bases = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("llava-base-"));

test("two finetune runs from one connector share one base beside it; the run directories hold none", {
  timeout: 180_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-shared-base-"));
  const data = await tinyWorld(join(dir, "data"), { train: 8, seed: 3 });
  const { llm, vision } = tinyModels(join(dir, "models"), 3);
  const common = ["--llm", llm, "--vision", vision, "--images", data.images, "--batch-size", "4"];
  const s1 = join(dir, "s1");
  lntune("pretrain", ...common, "--data", data.pretrain, "--max-steps", "1", "--output", s1);
  const connector = join(s1, "connector.safetensors");
  const finetune = (method: string, out: string, ...more: string[]) =>
    lntune(
      "finetune",
      ...common,
      "--data",
      data.finetune,
      "--max-steps",
      "1",
      "--method",
      method,
      "--output",
      out,
      ...more,
    );
  const first = finetune("ln", join(dir, "ln"), "--connector", connector);
  const second = finetune("ln-simp", join(dir, "ln-simp"), "--connector", connector);
  const baseOf = (run: string) => readAdapterConfig(join(dir, run, "adapter")).baseModelNameOrPath!;
  assert.equal(baseOf("ln"), baseOf("ln-simp"));
  assert.equal(dirname(baseOf("ln")), s1);
  assert.deepEqual(bases(s1), [baseOf("ln").slice(s1.length + 1)]);
  assert.match(first.stderr, /base checkpoint written to/);
  assert.match(second.stderr, /base checkpoint found at/);
  for (const run of ["ln", "ln-simp"])
    assert.ok(!readdirSync(join(dir, run)).some((n) => /base/.test(n)), run);
  // The shared base holds the stage-1 connector (in the original layout's name).
  const saved = openSafetensors(connector);
  const base = openSafetensors(join(baseOf("ln-simp"), "model.safetensors"));
  assert.deepEqual(base.read("model.mm_projector.weight").data, saved.read("projector.linear_1.weight").data);
  saved.close();
  base.close();
  // The second run's adapter merges into it and generates with it.
  lntune(
    "merge",
    "--model",
    baseOf("ln-simp"),
    "--adapter",
    join(dir, "ln-simp", "adapter"),
    "--output",
    join(dir, "merged"),
  );
  assert.ok(existsSync(join(dir, "merged", "model.safetensors")));
  const image = join(data.images, data.imageFiles[0]);
  const g = lntune(
    ...["generate", "--model", baseOf("ln-simp"), "--adapter", join(dir, "ln-simp", "adapter")],
    ...["--image", image, "--prompt", "What is it?", "--max-new-tokens", "2"],
  );
  assert.equal(g.status, 0);
  // A fresh connector exists nowhere else: its base goes beside the run directory.
  mkdirSync(join(dir, "fresh"));
  finetune("ln", join(dir, "fresh", "run"));
  const fresh = readAdapterConfig(join(dir, "fresh", "run", "adapter")).baseModelNameOrPath!;
  assert.equal(dirname(fresh), join(dir, "fresh"));
  assert.notEqual(fresh, baseOf("ln"));
});

async function tinyBase(seed: number) {
  const dir = mkdtempSync(join(tmpdir(), "lntune-shared-base-"));
  const { llm, vision } = tinyModels(join(dir, "models"), seed);
  const inputs: BaseInputs = { llm, vision, tokenizer: llm, projector: "linear", seed, maxLength: null };
  const model = composeLlava(llm, vision, { seed });
  const runDir = join(dir, "run");
  return { dir, inputs, model, runDir };
}

test("a writer that loses the race to rename its base discards its copy and uses the winner's", async () => {
  const { dir, inputs, model, runDir } = await tinyBase(4);
  const target = sharedBasePath(inputs, runDir).dir;
  const rename = fs.renameSync;
  // Another run finishes its copy just before this one renames.
  mock.method(fs, "renameSync", (from: fs.PathLike, to: fs.PathLike) => {
    if (to === target) fs.cpSync(String(from), target, { recursive: true });
    rename(from, to);
  });
  syncBuiltinESMExports();
  try {
    const r = ensureSharedBase(model, inputs, runDir);
    assert.deepEqual(r, { dir: target, written: false });
  } finally {
    mock.restoreAll();
    syncBuiltinESMExports();
  }
  assert.deepEqual(bases(dir), [target.slice(dir.length + 1)]);
  assert.equal(loadLlava(target).config.projector.type, "linear");
});

test("a base with a truncated file, or made from other inputs, is refused naming the directory", async () => {
  const { inputs, model, runDir } = await tinyBase(5);
  const { dir: base } = ensureSharedBase(model, inputs, runDir);
  assert.deepEqual(ensureSharedBase(model, inputs, runDir), { dir: base, written: false });
  const manifest = join(base, "lntune_base.json");
  const recorded = fs.readFileSync(manifest, "utf8");
  writeFileSync(manifest, recorded.replace('"projector": "linear"', '"projector": "mlp2x_gelu"'));
  assert.throws(() => ensureSharedBase(model, inputs, runDir), {
    message: `${base}: lntune_base.json records other inputs than this run's; delete the directory to have it written again`,
  });
  writeFileSync(manifest, recorded);
  const weights = join(base, "model.safetensors");
  truncateSync(weights, 100);
  assert.throws(() => ensureSharedBase(model, inputs, runDir), {
    message: new RegExp(`^${base}: model.safetensors has 100 bytes, not \\d+; delete the directory`),
  });
});

test("changing the connector's seed or the LLM's files names another base", async () => {
  const { inputs, runDir } = await tinyBase(6);
  const a = sharedBasePath(inputs, runDir).dir;
  assert.equal(sharedBasePath({ ...inputs }, runDir).dir, a);
  assert.notEqual(sharedBasePath({ ...inputs, seed: 7 }, runDir).dir, a);
  writeFileSync(join(inputs.llm, "generation_config.json"), "{}\n");
  assert.notEqual(sharedBasePath(inputs, runDir).dir, a);
});

test("a temporary base directory left by a dead writer is removed; a live writer's is kept", async () => {
  const { dir, inputs, model, runDir } = await tinyBase(8);
  const target = sharedBasePath(inputs, runDir).dir;
  // No process has the largest pid Linux allows.
  const dead = `${target}.tmp-4194304-0123456789ab`;
  const live = `${target}.tmp-${process.pid}-0123456789ab`;
  for (const d of [dead, live]) mkdirSync(d);
  ensureSharedBase(model, inputs, runDir);
  assert.ok(!existsSync(dead));
  assert.ok(existsSync(live));
  assert.equal(bases(dir).length, 2);
});
