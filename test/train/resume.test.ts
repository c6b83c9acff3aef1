// A training run killed with SIGKILL, or stopped with Ctrl-C, and resumed ends with exactly the weights,
// optimizer state and metrics of an uninterrupted run.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { readAdapterConfig } from "../../src/tuning/peft_config.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

function args(dir: string, output: string, models: { llm: string; vision: string }) {
  return [
    CLI,
    "finetune",
    "--llm",
    models.llm,
    "--vision",
    models.vision,
    "--data",
    join(dir, "data", "train", "complex_reasoning.json"),
    "--images",
    join(dir, "data", "train", "images"),
    "--output",
    output,
    "--method",
    "lora",
    "--lora-r",
    "4",
    "--lora-dropout",
    "0.1",
    "--max-steps",
    "6",
    "--batch-size",
    "4",
    "--grad-accum",
    "2",
    "--save-every",
    "1",
    "--seed",
    "3",
    "--quiet",
  ];
}

function latest(output: string): string | null {
  const p = join(output, "checkpoints", "latest");
  return existsSync(p) ? readFileSync(p, "utf8").trim() : null;
}

const withoutTiming = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const { tokensPerSecond, ...rest } = JSON.parse(l);
      void tokensPerSecond;
      return rest;
    });

let setup: Promise<{ dir: string; models: { llm: string; vision: string }; ref: string }> | undefined;

/** Sandbox data and models, and the uninterrupted reference run, shared by the tests of this file. */
function reference() {
  setup ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "lntune-resume-"));
    await tinyWorld(join(dir, "data"), { train: 32, seed: 1 });
    const models = tinyModels(join(dir, "models"), 1);
    const ref = join(dir, "ref");
    const full = spawnSync(process.execPath, args(dir, ref, models), { encoding: "utf8" });
    assert.equal(full.status, 0, full.stderr);
    return { dir, models, ref };
  })();
  return setup;
}

/** Resumes `run` and checks it ends exactly where the reference run ended. */
function resumeMatchesReference(
  dir: string,
  models: { llm: string; vision: string },
  ref: string,
  run: string,
) {
  const stoppedAt = latest(run);
  const resumed = spawnSync(process.execPath, [...args(dir, run, models), "--resume"], { encoding: "utf8" });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(latest(run), "step-0000006");
  for (const file of ["trainable.safetensors", "optimizer.safetensors", "state.json"])
    assert.ok(
      readFileSync(join(run, "checkpoints", "step-0000006", file)).equals(
        readFileSync(join(ref, "checkpoints", "step-0000006", file)),
      ),
      `${file} differs after resuming from ${stoppedAt}`,
    );
  assert.deepEqual(withoutTiming(join(run, "metrics.jsonl")), withoutTiming(join(ref, "metrics.jsonl")));
}

/** Starts a run and sends `signals` (one after another, `gapMs` apart) once it has checkpointed step 2. */
async function interrupt(run: string, signals: NodeJS.Signals[], gapMs: number) {
  const { dir, models } = await reference();
  const child = spawn(process.execPath, args(dir, run, models), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  while ((latest(run) ?? "") < "step-0000002") await new Promise((r) => setTimeout(r, 20));
  for (const [i, signal] of signals.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
    child.kill(signal);
  }
  return { code: await exited, stderr };
}

test("resume after SIGKILL reproduces the uninterrupted run bit for bit", { timeout: 240_000 }, async () => {
  const { dir, models, ref } = await reference();
  const run = join(dir, "run");
  const child = spawn(process.execPath, args(dir, run, models), { stdio: "ignore" });
  const exited = new Promise((r) => child.on("exit", r));
  while ((latest(run) ?? "") < "step-0000002") await new Promise((r) => setTimeout(r, 20));
  child.kill("SIGKILL");
  await exited;
  const killedAt = latest(run)!;
  assert.ok(killedAt < "step-0000006", `the run finished (${killedAt}) before it could be killed`);
  resumeMatchesReference(dir, models, ref, run);
  // The base written for the adapter holds no LoRA branches; the adapter does.
  const base = openSafetensors(
    join(readAdapterConfig(join(ref, "adapter")).baseModelNameOrPath!, "model.safetensors"),
  );
  assert.ok(base.names().length > 0 && !base.names().some((n) => n.includes("lora_")));
  base.close();
  const adapter = openSafetensors(join(ref, "adapter", "adapter_model.safetensors"));
  assert.ok(adapter.names().some((n) => n.endsWith(".lora_A.weight")));
  adapter.close();
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`${signal} finishes the step, checkpoints it, exits 130, and --resume reproduces the run`, {
    timeout: 240_000,
  }, async () => {
    const { dir, models, ref } = await reference();
    const run = join(dir, `run-${signal}`);
    const { code, stderr } = await interrupt(run, [signal], 0);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted after step (\d+) of 6; checkpoint saved/);
    const step = Number(/interrupted after step (\d+)/.exec(stderr)![1]);
    assert.equal(latest(run), `step-${String(step).padStart(7, "0")}`);
    resumeMatchesReference(dir, models, ref, run);
  });
}

test("a second signal quits at once with 130, and --resume still reproduces the run", {
  timeout: 240_000,
}, async () => {
  const { dir, models, ref } = await reference();
  const run = join(dir, "run-twice");
  const { code } = await interrupt(run, ["SIGTERM", "SIGINT"], 0);
  assert.equal(code, 130);
  resumeMatchesReference(dir, models, ref, run);
});
