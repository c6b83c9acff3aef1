// Training at real scale: the language models of LLaVA-1.5-7B and -13B (Vicuna-7B/13B v1.5: LLaMA, hidden 4096 /
// 5120, 32 / 40 layers and heads, SwiGLU 11008 / 13824, vocabulary 32000) with random weights, written as bf16
// safetensors (5 GB shards, as transformers writes them) into a temporary directory and read back by lntune's
// loader, so that the load time is real. Per weight format (bf16 as stored; int8 and nf4 quantised as each
// weight is read, as finetune --quantize does for these methods) and method (ln, ln-simp): load time, seconds
// per training step (forward,
// backward, AdamW; bf16 compute, batch 1) and tokens/s (median of the timed steps after a warm-up step), the peak
// RSS of the whole process (load included) and the largest RSS seen during the steps. A configuration whose
// memory, estimated from the sizes, does not fit the budget (or the memory available now) is skipped with the
// arithmetic printed, rather than run into the machine's limit. The checkpoint is deleted afterwards.
// Run: npm run bench:scale [-- 7b|13b ...] [bf16|int8|nf4 ...] [ln|ln-simp ...]  (default: all of each)
// LNTUNE_BENCH_SEQ (default 256), LNTUNE_BENCH_STEPS (timed steps, default 2), LNTUNE_BENCH_MEM_GIB (budget,
// default 20), LNTUNE_BENCH_RECOMPUTE=1 (recompute each layer's activations in backward, finetune's --recompute).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kernels } from "../src/backend/index.ts";
import { nativeIsa } from "../src/backend/native.ts";
import type { Tensor as StoredTensor } from "../src/io/dtype.ts";
import { writeShardedSafetensors } from "../src/io/safetensors_shards.ts";
import type { TensorEntry } from "../src/io/safetensors_write.ts";
import { loadLlama } from "../src/models/load.ts";
import { backward } from "../src/tensor/autograd.ts";
import { setComputeDtype } from "../src/tensor/compute_dtype.ts";
import { Rng } from "../src/tensor/rng.ts";
import { AdamW } from "../src/train/adamw.ts";
import { applyMethod } from "../src/tuning/apply.ts";
import { METHODS } from "../src/tuning/methods.ts";
import { quantizeWhileLoading } from "../src/tuning/quantize.ts";
import { median } from "./timing.ts";

const SHAPES = {
  "7b": { hidden: 4096, layers: 32, heads: 32, intermediate: 11008 },
  "13b": { hidden: 5120, layers: 40, heads: 40, intermediate: 13824 },
};
type ShapeName = keyof typeof SHAPES;
const FORMATS = ["bf16", "int8", "nf4"] as const;
type Format = (typeof FORMATS)[number];
const BENCH_METHODS = ["ln", "ln-simp"] as const;
type BenchMethod = (typeof BENCH_METHODS)[number];
const VOCAB = 32000;
const SEQ = Number(process.env.LNTUNE_BENCH_SEQ ?? 256);
const STEPS = Number(process.env.LNTUNE_BENCH_STEPS ?? 2);
const BUDGET_GIB = Number(process.env.LNTUNE_BENCH_MEM_GIB ?? 20);
const RECOMPUTE = process.env.LNTUNE_BENCH_RECOMPUTE === "1";
const GIB = 2 ** 30;

function config(shape: ShapeName) {
  const s = SHAPES[shape];
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: VOCAB,
    hidden_size: s.hidden,
    intermediate_size: s.intermediate,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.heads,
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-5,
    tie_word_embeddings: false,
    torch_dtype: "bfloat16",
  };
}

/** Every weight of the checkpoint, with HF's names. */
function entries(shape: ShapeName): TensorEntry[] {
  const { hidden: h, layers, intermediate: m } = SHAPES[shape];
  const e = (name: string, shape: number[]): TensorEntry => ({ name, dtype: "BF16", shape });
  const out = [
    e("model.embed_tokens.weight", [VOCAB, h]),
    e("model.norm.weight", [h]),
    e("lm_head.weight", [VOCAB, h]),
  ];
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    for (const x of ["q", "k", "v", "o"]) out.push(e(`${p}.self_attn.${x}_proj.weight`, [h, h]));
    out.push(e(`${p}.mlp.gate_proj.weight`, [m, h]), e(`${p}.mlp.up_proj.weight`, [m, h]));
    out.push(e(`${p}.mlp.down_proj.weight`, [h, m]));
    out.push(e(`${p}.input_layernorm.weight`, [h]), e(`${p}.post_attention_layernorm.weight`, [h]));
  }
  return out;
}

/** Writes the random checkpoint: every matrix tiles one random block (N(0, 0.02), as HF initialises LLaMA;
 * drawing billions of values would take longer than the benchmark), norms are 1. */
function writeCheckpoint(shape: ShapeName, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), `${JSON.stringify(config(shape), null, 2)}\n`);
  const block = new Uint16Array(1 << 20);
  kernels().convertFromF32(
    new Rng(0).fillNormal(new Float32Array(block.length), 0, 0.02),
    block,
    "bf16",
    block.length,
  );
  const all = new Map(entries(shape).map((e) => [e.name, e]));
  writeShardedSafetensors(dir, [...all.values()], (name): StoredTensor => {
    const e = all.get(name)!;
    const n = e.shape.reduce((a, b) => a * b, 1);
    const data = new Uint16Array(n);
    if (e.shape.length === 1) data.fill(0x3f80);
    else
      for (let i = 0; i < n; i += block.length) data.set(block.subarray(0, Math.min(block.length, n - i)), i);
    return { dtype: "BF16", shape: e.shape, data };
  });
}

/** Bytes a configuration needs, from the sizes: loading holds the projections in the format (one at a time
 * also in bf16 and f32 while it is quantised) and the other weights in bf16, then the method widens its
 * trainable weights to f32; the steps hold the trainable weights in f32 with their gradients and AdamW's two
 * moments, and the activations autograd keeps. */
function estimate(shape: ShapeName, format: Format, method: BenchMethod) {
  const { hidden: h, layers, intermediate: m, heads } = SHAPES[shape];
  const proj = layers * (4 * h * h + 3 * h * m);
  const embedHead = 2 * VOCAB * h;
  const norms = (2 * layers + 1) * h;
  const perValue = { bf16: 2, int8: 36 / 32, nf4: 36 / 64 }[format];
  const trainable = norms + (method === "ln" ? embedHead : 0);
  const frozenOther = method === "ln" ? 0 : 2 * embedHead;
  // Per token and layer: the block's saved inputs and intermediates (about ten hidden-sized and four
  // intermediate-sized f32 rows) and the attention probabilities, or with recomputation each layer's input and
  // one layer's intermediates; the logits and their gradient at the end.
  const block = 10 * h + 4 * m + heads * SEQ;
  const activations = 4 * SEQ * ((RECOMPUTE ? layers * h + block : layers * block) + 3 * VOCAB);
  const load =
    proj * perValue +
    2 * (embedHead + norms) +
    (format === "bf16" ? 0 : 6 * h * m) +
    (method === "ln" ? 4 * embedHead : 0);
  const steps = proj * perValue + frozenOther + 16 * trainable + activations;
  return { load, steps, total: Math.max(load, steps) + 0.5 * GIB };
}

function availableBytes(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"));
  return m ? Number(m[1]) * 1024 : Number.POSITIVE_INFINITY;
}

const rssNow = () => process.memoryUsage().rss;

/** Runs one configuration in this process and prints its RESULT line. */
function measure(dir: string, format: Format, method: BenchMethod): void {
  const t0 = performance.now();
  const model = loadLlama(
    dir,
    undefined,
    format === "bf16"
      ? undefined
      : quantizeWhileLoading(format, { format, weights: 0, bytesBefore: 0, bytesAfter: 0 }),
  );
  const loadS = (performance.now() - t0) / 1000;
  applyMethod(model, METHODS[method], {}, new Rng(0));
  model.model.recompute = RECOMPUTE;
  setComputeDtype("bf16");
  const params = model.namedParameters().filter(([, p]) => p.requiresGrad);
  const opt = new AdamW(params, { lr: 1e-4 });
  const rng = new Rng(1);
  const ids = Int32Array.from({ length: SEQ }, () => rng.int(VOCAB));
  const labels = Int32Array.from({ length: SEQ }, () => rng.int(VOCAB));
  let stepRss = 0;
  const times: number[] = [];
  for (let i = 0; i <= STEPS; i++) {
    const t = performance.now();
    const out = model.forward({ inputIds: ids, batch: 1, seqLen: SEQ, labels });
    backward(out.loss!);
    opt.update(1e-4);
    opt.zeroGrad();
    stepRss = Math.max(stepRss, rssNow());
    // The first step warms up.
    if (i > 0) times.push(performance.now() - t);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`RESULT ${loadS} ${median(times)} ${peak} ${stepRss}`);
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

const args = process.argv.slice(2);
if (args[0] === "--measure") measure(args[1], args[2] as Format, args[3] as BenchMethod);
else {
  const pick = <T extends string>(all: readonly T[]): T[] => {
    const chosen = all.filter((x) => args.includes(x));
    return chosen.length > 0 ? chosen : [...all];
  };
  const unknown = args.filter((a) => ![...Object.keys(SHAPES), ...FORMATS, ...BENCH_METHODS].includes(a));
  if (unknown.length > 0)
    throw new Error(
      `unknown arguments ${unknown.join(" ")}: give shapes (7b 13b), formats (bf16 int8 nf4), methods (ln ln-simp)`,
    );
  const gib = (b: number) => (b / GIB).toFixed(1);
  console.log(
    `training step at LLaVA-1.5's LLM shapes: batch 1 × ${SEQ} tokens, bf16 compute, native ISA ${nativeIsa()}, ` +
      `${kernels().threads()} threads; median of ${STEPS} steps after a warm-up step; memory budget ${BUDGET_GIB} GiB` +
      (RECOMPUTE ? "; activations recomputed per layer (--recompute)" : ""),
  );
  const header = ["shape", "weights", "method", "load s", "s/step", "tok/s", "peak RSS GiB", "step RSS GiB"];
  for (const shape of pick(Object.keys(SHAPES) as ShapeName[])) {
    const rows: string[][] = [];
    const runs = pick(FORMATS).flatMap((f) => pick(BENCH_METHODS).map((m) => [f, m] as const));
    const fits = runs.map(([f, m]) => {
      const e = estimate(shape, f, m);
      const budget = Math.min(BUDGET_GIB * GIB, availableBytes());
      return e.total <= budget
        ? null
        : `skipped: needs about ${gib(e.total)} GiB (loading ${gib(e.load)}, the steps ${gib(e.steps)}) > ${gib(budget)} GiB`;
    });
    if (fits.every((f) => f !== null)) {
      for (const [i, [f, m]] of runs.entries()) rows.push([shape, f, m, fits[i]!]);
      table(header, rows);
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), `lntune-scale-${shape}-`));
    try {
      let t0 = performance.now();
      writeCheckpoint(shape, join(dir, "model"));
      console.log(`${shape}: wrote the bf16 checkpoint in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      for (const [i, [format, method]] of runs.entries()) {
        // The memory available may have changed since.
        const e = estimate(shape, format, method);
        const why =
          fits[i] ??
          (e.total > availableBytes()
            ? `skipped: needs about ${gib(e.total)} GiB, ${gib(availableBytes())} GiB available now`
            : null);
        if (why) {
          rows.push([shape, format, method, why]);
          continue;
        }
        t0 = performance.now();
        const run = spawnSync(
          process.execPath,
          [
            "--import",
            "tsx",
            fileURLToPath(import.meta.url),
            "--measure",
            join(dir, "model"),
            format,
            method,
          ],
          { encoding: "utf8" },
        );
        const r = /RESULT ([\d.]+) ([\d.]+) (\d+) (\d+)/.exec(run.stdout);
        if (!r) {
          rows.push([
            shape,
            format,
            method,
            `(failed: ${(run.stderr || String(run.signal)).trim().split("\n").at(-1)})`,
          ]);
          continue;
        }
        const [load, ms, peak, stepRss] = r.slice(1).map(Number);
        rows.push([
          shape,
          format,
          method,
          load.toFixed(1),
          (ms / 1000).toFixed(1),
          ((SEQ * 1000) / ms).toFixed(1),
          gib(peak),
          gib(stepRss),
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    table(header, rows);
  }
}
