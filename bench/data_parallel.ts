// Data-parallel scaling: one training step of a LLaMA (d 512, 4 layers, vocabulary 32000, untied) at a fixed
// global batch of 4 sequences × 128 tokens, as 1, 2 and 4 MPI ranks (ranks × accumulation = 4), with the
// `ln` trainable set (block norms, embeddings, head: a large all-reduce) and `ln-simp` (block norms only).
// Each run is `mpirun -np N` of this file in worker mode; the root reports the step time (from metrics.jsonl,
// after the first step), the time the trainer spent in the all-reduce (waiting for the slowest rank
// included), and the all-reduce of the same buffer alone (after a barrier, median of 5). On a machine with
// fewer cores than ranks the ranks share cores (oversubscribed), so the figures show the communication cost,
// not a speed-up.
// Then the gradient bytes per step of LLaVA-1.5-7B's `ln` and `ln-simp` sets, counted from the published
// shapes (llava-hf/llava-1.5-7b-hf's config.json) without building weights, and what a ring all-reduce of
// them costs on a cluster link. Run: npm run bench:scale-dp.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nativeMpi } from "../src/backend/native.ts";
import { leaveProcessWorld, processWorld } from "../src/dist/world.ts";
import { Fields } from "../src/io/config/fields.ts";
import { parseLlamaConfig } from "../src/io/config/llama_config.ts";
import { parseLlavaConfig } from "../src/models/families/llava/config.ts";
import { buildLlava } from "../src/models/families/llava/index.ts";
import { LlamaForCausalLM } from "../src/models/llama/model.ts";
import { parameterGroups } from "../src/models/param_groups.ts";
import { Rng } from "../src/tensor/rng.ts";
import { train } from "../src/train/trainer.ts";
import { applyMethod, isSelected } from "../src/tuning/apply.ts";
import { METHODS } from "../src/tuning/methods.ts";
import { median } from "./timing.ts";

const [GLOBAL, SEQ, STEPS] = [4, 128, 4];
const RANKS = [1, 2, 4];
const SETS = ["ln", "ln-simp"] as const;

async function worker(set: (typeof SETS)[number]): Promise<void> {
  const world = processWorld();
  const config = parseLlamaConfig(
    new Fields("(bench)", {
      model_type: "llama",
      vocab_size: 32000,
      hidden_size: 512,
      intermediate_size: 1376,
      num_hidden_layers: 4,
      num_attention_heads: 8,
      rms_norm_eps: 1e-5,
    }),
  );
  const model = new LlamaForCausalLM(config, new Rng(0));
  const trainable = applyMethod(model, METHODS[set], {}, new Rng(0)).trainableCount;
  const rng = new Rng(1);
  const batches = Array.from({ length: GLOBAL }, () => ({
    ids: Int32Array.from({ length: SEQ }, () => rng.int(32000)),
    labels: Int32Array.from({ length: SEQ }, () => rng.int(32000)),
  }));
  const out = mkdtempSync(join(tmpdir(), "lntune-dp-bench-"));
  const summary = await train(
    model,
    { batchesPerEpoch: GLOBAL, batch: (_epoch, index) => batches[index] },
    (b) => ({
      loss: model.forward({ inputIds: b.ids, batch: 1, seqLen: SEQ, labels: b.labels }).loss!,
      tokens: SEQ,
    }),
    { outputDir: out, lr: 1e-4, maxSteps: STEPS, gradAccum: GLOBAL / world.size, progress: "quiet", world },
  );
  // The all-reduce alone: the trainer's buffer (gradients and 3 statistics), every rank starting together.
  const bucket = new Float32Array(trainable + 3);
  const alone: number[] = [];
  for (let i = 0; i < 5; i++) {
    world.barrier();
    const t0 = performance.now();
    world.allreduceSum(bucket);
    alone.push(performance.now() - t0);
  }
  if (world.isRoot) {
    // Seconds since the loop began, at each step: tokens so far over the running rate.
    let tokens = 0;
    const elapsed = readFileSync(join(out, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => {
        const m = JSON.parse(l);
        tokens += m.tokens;
        return tokens / m.tokensPerSecond;
      });
    const stepMs = ((elapsed[STEPS - 1] - elapsed[0]) / (STEPS - 1)) * 1000;
    const reduceMs = (summary.allreduceSeconds / STEPS) * 1000;
    console.log(
      `RESULT ${trainable} ${stepMs.toFixed(0)} ${reduceMs.toFixed(1)} ${median(alone).toFixed(2)}`,
    );
  }
  rmSync(out, { recursive: true, force: true });
  leaveProcessWorld(0, false);
}

/** LLaVA-1.5-7B's shapes: the published llava-hf/llava-1.5-7b-hf config.json (its replica, shrunk, is in
 * test/fixtures/replicas); a placeholder build allocates no weights. */
function llava7bTrainable(set: (typeof SETS)[number]): number {
  const config = parseLlavaConfig(
    new Fields("llava-hf/llava-1.5-7b-hf config.json", {
      model_type: "llava",
      image_token_index: 32000,
      pad_token_id: 32001,
      projector_hidden_act: "gelu",
      vision_feature_layer: -2,
      vision_feature_select_strategy: "default",
      vocab_size: 32064,
      text_config: {
        model_type: "llama",
        hidden_size: 4096,
        intermediate_size: 11008,
        num_attention_heads: 32,
        num_hidden_layers: 32,
        max_position_embeddings: 4096,
        rms_norm_eps: 1e-5,
        vocab_size: 32064,
      },
      vision_config: {
        model_type: "clip_vision_model",
        hidden_size: 1024,
        image_size: 336,
        intermediate_size: 4096,
        num_attention_heads: 16,
        num_hidden_layers: 24,
        patch_size: 14,
        projection_dim: 768,
      },
    }),
  );
  const model = buildLlava(config, null);
  const groups = parameterGroups(model);
  return model
    .namedParameters()
    .filter(([name]) => isSelected(name, groups.get(name)!, METHODS[set], {}))
    .reduce((n, [, p]) => n + p.size, 0);
}

const bytes = (b: number) =>
  b >= 1e9
    ? `${(b / 1e9).toFixed(2)} GB`
    : b >= 1e6
      ? `${(b / 1e6).toFixed(2)} MB`
      : `${(b / 1e3).toFixed(1)} kB`;
const seconds = (s: number) => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`);

function main(): void {
  if (spawnSync("mpirun", ["--version"]).status !== 0 || nativeMpi() === null) {
    console.error(
      "needs Open MPI and an addon built with it: apt-get install -y openmpi-bin libopenmpi-dev, then npm install",
    );
    process.exit(1);
  }
  const cores = availableParallelism();
  console.log(
    `data-parallel training step: LLaMA d512 × 4 layers, vocabulary 32000, global batch ${GLOBAL} × ${SEQ} tokens ` +
      `(ranks × accumulation = ${GLOBAL}), ${cores} cores, threads per rank = cores / ranks (at least 1)`,
  );
  console.log("set      trainable    bytes/step  ranks  step       in step     alone      tokens/s");
  const root = process.getuid?.() === 0 ? ["--allow-run-as-root"] : [];
  // Each rank takes its share of the cores (src/dist/world.ts) unless LNTUNE_THREADS says otherwise.
  const { LNTUNE_THREADS: _, ...env } = process.env;
  const self = fileURLToPath(import.meta.url);
  for (const set of SETS)
    for (const n of RANKS) {
      const args = [
        ...root,
        "--oversubscribe",
        "-np",
        String(n),
        process.execPath,
        "--import",
        "tsx",
        self,
        set,
      ];
      const run = spawnSync("mpirun", args, { encoding: "utf8", env });
      const r = /RESULT (\d+) (\d+) ([\d.]+) ([\d.]+)/.exec(run.stdout);
      if (!r) {
        console.log(`${set.padEnd(8)} (${n} ranks failed: ${run.stderr.trim().split("\n").at(-1)})`);
        continue;
      }
      const [trainable, stepMs, inStep, alone] = r.slice(1).map(Number);
      console.log(
        [
          set.padEnd(8),
          trainable.toLocaleString().padStart(11),
          ` ${bytes(4 * trainable).padStart(10)}`,
          ` ${String(n).padStart(5)}${n > cores ? "*" : " "}`,
          `${stepMs} ms`.padEnd(10),
          (n === 1 ? "-" : `${inStep} ms`).padEnd(11),
          (n === 1 ? "-" : `${alone} ms`).padEnd(10),
          ((GLOBAL * SEQ * 1000) / stepMs).toFixed(0),
        ].join(" "),
      );
    }
  console.log(
    "in step: the trainer's all-reduce, waiting for the slowest rank included; alone: after a barrier",
  );
  if (RANKS.some((n) => n > cores)) console.log("* more ranks than cores: oversubscribed");

  console.log("\nLLaVA-1.5-7B (llava-hf/llava-1.5-7b-hf shapes, counted, not run): f32 gradients per step");
  const sets = SETS.map((set) => ({ set, bytes: 4 * llava7bTrainable(set) }));
  console.log("set      trainable     bytes/step");
  for (const { set, bytes: b } of sets)
    console.log(`${set.padEnd(8)} ${(b / 4).toLocaleString().padStart(12)}  ${bytes(b).padStart(10)}`);
  const sizes = [2, 8, 64];
  console.log(
    "\nring all-reduce = 2(N−1)/N × bytes / link bandwidth (the bandwidth term; each message adds latency)",
  );
  console.log(`set      link      ${sizes.map((n) => `N=${n}`.padEnd(10)).join(" ")}`);
  for (const { set, bytes: b } of sets)
    for (const gbps of [10, 25, 100]) {
      const times = sizes.map((n) => seconds((2 * (n - 1) * b) / n / ((gbps * 1e9) / 8)).padEnd(10));
      console.log(`${set.padEnd(8)} ${`${gbps} Gb/s`.padEnd(9)} ${times.join(" ")}`.trimEnd());
    }
}

const set = process.argv[2];
if (set === "ln" || set === "ln-simp") await worker(set);
else main();
