// --resume continues only the run that wrote the checkpoint: every option the result depends on is recorded
// with the checkpoint, and a resume with any of them changed is refused, naming each changed option with
// its old and new value, before anything in the run directory is written. Options the result does not
// depend on (progress display, checkpoint cadence, stop point, recomputation) may change.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runStage, type StageOptions } from "../../src/train/run.ts";
import { FINETUNE_LR } from "../../src/tuning/learning_rates.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

/** Every file under `dir` with its modification time and content hash. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    const st = statSync(p);
    out[name] = st.isDirectory()
      ? `dir ${st.mtimeMs}`
      : `${st.mtimeMs} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
  }
  return out;
}

test("resume refuses each changed option, naming old and new values, and writes nothing; unchanged results resume", {
  timeout: 240_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-resume-options-"));
  const data = await tinyWorld(join(dir, "data"), { train: 8, seed: 5 });
  const { llm, vision } = tinyModels(join(dir, "models"), 5);
  const quiet = { progress: "quiet" as const, log: () => {} };
  const common = { llm, vision, images: data.images, batchSize: 2, maxSteps: 1, ...quiet };
  await runStage({ ...common, stage: "pretrain", data: data.pretrain, output: join(dir, "s1") });
  const connector = join(dir, "s1", "connector.safetensors");

  const run = join(dir, "run");
  const base: StageOptions = {
    ...common,
    stage: "finetune",
    data: data.finetune,
    connector,
    output: run,
    method: "lora",
    tuning: { lora: { r: 4, alpha: 8, dropout: 0.1 } },
    maxSteps: 2,
    saveEvery: 1,
    seed: 3,
    stopAfter: 1,
  };
  const first = await runStage(base);
  assert.equal(first.summary.steps, 1);
  const before = snapshot(run);

  const refused = async (change: Partial<StageOptions>, ...expected: string[]) => {
    await assert.rejects(runStage({ ...base, ...change, resume: true }), (e: Error) => {
      assert.match(e.message, /checkpoints\/step-0000001: cannot resume: these options differ/);
      for (const line of expected) assert.ok(e.message.includes(`\n  ${line}`), `${line}\n---\n${e.message}`);
      return true;
    });
    assert.deepEqual(snapshot(run), before, `the run directory changed (${expected[0]})`);
  };
  const lora = base.tuning!.lora!;
  await refused(
    { method: "ln-simp" },
    'method: "lora" → "ln-simp"',
    `lr: 0.0002 → ${FINETUNE_LR["ln-simp"].lr}`,
    "loraR: 4 → null",
  );
  await refused({ lr: 1e-3 }, "lr: 0.0002 → 0.001");
  await refused({ warmupRatio: 0.1 }, "warmupRatio: 0.03 → 0.1");
  await refused({ batchSize: 4 }, "batchSize: 2 → 4");
  await refused({ gradAccum: 2 }, "gradAccum: 1 → 2");
  await refused({ maxSteps: 3 }, "maxSteps: 2 → 3");
  await refused({ maxSteps: undefined, epochs: 2 }, "maxSteps: 2 → null", "epochs: null → 2");
  await refused({ seed: 4 }, "seed: 3 → 4");
  await refused({ maxGradNorm: 0.5 }, "maxGradNorm: 1 → 0.5");
  await refused({ weightDecay: 0.1 }, "weightDecay: 0 → 0.1");
  await refused({ betas: [0.9, 0.95] }, "betas: [0.9,0.999] → [0.9,0.95]");
  await refused({ eps: 1e-6 }, "eps: 1e-8 → 0.000001");
  await refused({ template: "plain" }, 'template: "vicuna_v1" → "plain"');
  await refused({ maxLength: 64 }, "maxLength: null → 64");
  await refused({ groupByLength: true }, "groupByLength: false → true");
  await refused({ aspectRatio: "square" }, 'aspectRatio: null → "square"');
  await refused({ computeDtype: "bf16" }, 'computeDtype: "f32" → "bf16"');
  await refused({ quantize: "nf4" }, 'quantize: null → "nf4"');
  await refused(
    { dataTypes: ["conversation"], subsample: 4 },
    'dataTypes: null → ["conversation"]',
    "subsample: null → 4",
  );
  await refused({ tuning: { lora, includeFinalNorm: true } }, "includeFinalNorm: false → true");
  await refused({ tuning: { lora, trainable: /lm_head/ } }, 'trainable: null → "/lm_head/"');
  await refused({ tuning: { lora, freeze: /embed_tokens/i } }, 'freeze: null → "/embed_tokens/i"');
  await refused(
    { tuning: { lora: { r: 8, alpha: 16, dropout: 0, useRslora: true } } },
    "loraR: 4 → 8",
    "loraAlpha: 8 → 16",
    "loraDropout: 0.1 → 0",
    "rslora: false → true",
  );

  // Files: another path to the same content, or the same path with other content.
  const copied = join(dir, "copy.json");
  cpSync(data.finetune, copied);
  await refused({ data: copied }, `data: ${JSON.stringify(data.finetune)} → ${JSON.stringify(copied)}`);
  const text = readFileSync(data.finetune, "utf8");
  writeFileSync(data.finetune, `${text}\n`);
  await refused({}, "dataSha256: ");
  writeFileSync(data.finetune, text);
  const weights = readFileSync(connector);
  const changed = Buffer.from(weights);
  changed[changed.length - 1] ^= 1;
  writeFileSync(connector, changed);
  await refused({}, "connectorSha256: ");
  writeFileSync(connector, weights);
  const llm2 = join(dir, "llm2");
  cpSync(llm, llm2, { recursive: true });
  await refused({ llm: llm2 }, `llm: ${JSON.stringify(llm)} → ${JSON.stringify(llm2)}`);
  const images2 = join(dir, "images2");
  symlinkSync(data.images, images2);
  await refused({ images: images2 }, `images: ${JSON.stringify(data.images)} → ${JSON.stringify(images2)}`);

  // A checkpoint that does not record its options cannot be checked, so it is not resumed.
  const old = join(dir, "old");
  cpSync(run, old, { recursive: true });
  rmSync(join(old, "checkpoints", "step-0000001", "options.json"));
  await assert.rejects(
    runStage({ ...base, output: old, resume: true }),
    /step-0000001: cannot resume: the checkpoint does not record the options/,
  );

  // Options the result does not depend on may change: the run resumes and finishes.
  const resumed = await runStage({
    ...base,
    resume: true,
    saveEvery: 0,
    stopAfter: undefined,
    recompute: true,
    strict: true,
    gradVarianceEvery: 5,
  });
  assert.equal(resumed.summary.steps, 2);
});
