// Generation speed on TinyLlama-1.1B's shape per weight format (f32, bf16, f16, and bf16 quantised to int8 and
// nf4): prefill tok/s of a 512-token prompt (f32 and bf16 compute) and decoding tok/s (one token at a time on a
// KV cache), for one sequence and for 4 decoded together (each step one product per weight for all rows), next
// to the bound memory bandwidth sets for decoding one sequence, measured in the same run: every step reads each
// projection and head weight once, so tok/s ≤ bandwidth / those weights' bytes. Then POPE-shaped work through
// the eval harness on LLaVA-1.5's shape with TinyLlama's LLM (CLIP ViT-L/14-336 tower, 2-layer MLP connector,
// bf16 LLM weights, bf16 compute): yes/no questions about one image, 3 new tokens each, in questions per
// second with the harness's reuse (image features and the shared prompt prefix's keys and values computed
// once for the image's 18 questions) and without (every question runs the tower and its whole prompt).
// Medians after warm-up. Run: npm run bench:generate. Each measurement runs in its own process (its peak RSS
// is its own).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StorageDtype } from "../src/backend/dtypes.ts";
import { kernels } from "../src/backend/index.ts";
import { nativeIsa } from "../src/backend/native.ts";
import { encodePrompt, generateAnswers } from "../src/eval/harness/answer_generator.ts";
import { AnswerReuse } from "../src/eval/harness/answer_reuse.ts";
import type { EvalModel } from "../src/eval/harness/eval_model.ts";
import { parseClipVisionConfig } from "../src/io/config/clip_vision_config.ts";
import { Fields } from "../src/io/config/fields.ts";
import { loadTokenizer } from "../src/io/tokenizer.ts";
import { CLIPVisionModel } from "../src/models/clip/vision_model.ts";
import { joinLlava } from "../src/models/compose.ts";
import { generate, leftPad } from "../src/models/generation.ts";
import type { LlamaForCausalLM } from "../src/models/llama/model.ts";
import type { LlavaForConditionalGeneration } from "../src/models/llava/model.ts";
import { noGrad } from "../src/tensor/autograd.ts";
import { type ComputeDtype, setComputeDtype } from "../src/tensor/compute_dtype.ts";
import { KVCache } from "../src/tensor/kv_cache.ts";
import { Rng } from "../src/tensor/rng.ts";
import { quantizeFrozen } from "../src/tuning/quantize.ts";
import { median, timeMs } from "./timing.ts";
import { tinyLlamaShape } from "./tinyllama_shape.ts";

const FORMATS = ["f32", "bf16", "f16", "int8", "nf4"] as const;
type Format = (typeof FORMATS)[number];
const PROMPT = 512;
const DECODE_STEPS = 24;
/** Sequences decoded together in the batched measurement. */
const BATCH = 4;
/** POPE asks about 18 questions of each image; without reuse 3 are timed (each costs the same). */
const POPE_QUESTIONS = 18;
const POPE_RECOMPUTED = 3;
/** CLIP ViT-L/14 at 336 px, LLaVA-1.5's tower. */
const CLIP_L_336 = {
  hidden_size: 1024,
  intermediate_size: 4096,
  num_hidden_layers: 24,
  num_attention_heads: 16,
  image_size: 336,
  patch_size: 14,
  projection_dim: 768,
};
const TOKENIZER = fileURLToPath(new URL("../assets/tokenizers/llama2", import.meta.url));

/** Bytes every decoding step reads: the projections' and the head's weights (one embedding row is noise). */
function bytesPerToken(model: LlamaForCausalLM): number {
  let bytes = 0;
  for (const [name, p] of model.namedParameters())
    if (name !== "model.embed_tokens.weight" && p.ndim === 2) bytes += p.storage.byteLength;
  return bytes;
}

function prefillMs(model: LlamaForCausalLM, ids: Int32Array, compute: ComputeDtype): number {
  setComputeDtype(compute);
  const c = model.config;
  return noGrad(() =>
    timeMs(() => {
      const cache = new KVCache(c.num_hidden_layers, 1, PROMPT, c.num_key_value_heads, c.head_dim);
      model.forward({ inputIds: ids, batch: 1, seqLen: PROMPT, cache, logits: "last" });
    }, 2),
  );
}

/** Milliseconds per decoding step of `batch` sequences decoded together. */
function decodeMs(model: LlamaForCausalLM, batch: number): number {
  setComputeDtype("f32");
  const prompts = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: 32 }, (_, i) => (i * 7919 + b * 104729) % 32000),
  );
  const steps: number[] = [];
  let last = 0;
  generate(model, leftPad(prompts, 0), {
    maxNewTokens: DECODE_STEPS + 1,
    eosTokenIds: [],
    // Called for every row after each step; the first row's calls mark the steps.
    onToken: (row) => {
      if (row !== 0) return false;
      const now = performance.now();
      if (last > 0) steps.push(now - last);
      last = now;
      return false;
    },
  });
  // The first steps warm up.
  return median(steps.slice(4));
}

function measure(format: Format): void {
  const stored: StorageDtype = format === "int8" || format === "nf4" ? "bf16" : format;
  const model = tinyLlamaShape(stored);
  model.eval();
  if (format === "int8" || format === "nf4") quantizeFrozen(model, format);
  const ids = Int32Array.from({ length: PROMPT }, (_, i) => (i * 7919) % 32000);
  const f32 = prefillMs(model, ids, "f32");
  const bf16 = prefillMs(model, ids, "bf16");
  const step = decodeMs(model, 1);
  const batched = decodeMs(model, BATCH);
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`RESULT ${bytesPerToken(model)} ${f32} ${bf16} ${step} ${batched} ${rss.toFixed(0)}`);
}

/** LLaVA-1.5's shape around TinyLlama's LLM, random weights (the LLM's in bf16). */
function popeModel(): LlavaForConditionalGeneration {
  const tower = new CLIPVisionModel(parseClipVisionConfig(new Fields("(bench)", CLIP_L_336)), new Rng(1));
  return joinLlava(tinyLlamaShape("bf16"), tower, "(bench)", {
    projector: "mlp2x_gelu",
    seed: 2,
    imageAspectRatio: "pad",
  });
}

/** Seconds per question of POPE-shaped work on one image, with the harness's reuse or without. */
function popeSeconds(reuse: boolean): number {
  const model = popeModel();
  model.eval();
  setComputeDtype("bf16");
  const m: EvalModel = {
    model,
    tokenizer: loadTokenizer(TOKENIZER),
    processor: model.preprocessing.imageProcessor,
    aspectRatio: "pad",
    modelId: "bench",
    reuse: reuse ? new AnswerReuse() : undefined,
  };
  const S = CLIP_L_336.image_size;
  const pixels = new Rng(3).fillNormal(new Float32Array(3 * S * S), 0, 1);
  const objects = ["dog", "car", "chair", "person", "cup", "bottle"];
  const decoding = { maxNewTokens: 3, temperature: 0, topK: 0, topP: 1, seed: 0 };
  const n = reuse ? POPE_QUESTIONS : POPE_RECOMPUTED;
  const t0 = performance.now();
  for (let q = 0; q < n; q++) {
    const prompt =
      "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, " +
      `detailed, and polite answers to the human's questions. USER: <image>\nIs there a ${objects[q % objects.length]} ` +
      "in the image?\nAnswer the question using a single word or phrase. ASSISTANT:";
    generateAnswers(m, [encodePrompt(m, prompt)], [pixels], decoding);
  }
  return (performance.now() - t0) / 1000 / n;
}

/** Read bandwidth in GB/s with every thread: the median of passes summing the squares of 1 GiB. */
function bandwidth(): number {
  const n = 2 ** 28;
  const x = new Float32Array(n).fill(0.5);
  const k = kernels();
  return (4 * n) / timeMs(() => k.sumSquares(x, n), 5) / 1e6;
}

const args = process.argv.slice(2);
if (args[0] === "--measure") measure(args[1] as Format);
else if (args[0] === "--pope") console.log(`RESULT ${popeSeconds(args[1] === "reuse")}`);
else {
  const threads = kernels().threads();
  const gbs = bandwidth();
  console.log(
    `generation, TinyLlama-1.1B shape, native ISA ${nativeIsa()}, ${threads} threads; ` +
      `memory read bandwidth ${gbs.toFixed(1)} GB/s (this run)`,
  );
  console.log(
    `prefill: a ${PROMPT}-token prompt; decode: one token per step on the cache, for 1 sequence and ${BATCH} ` +
      "together; bound = bandwidth / weight bytes per token (one sequence)",
  );
  const header = [
    "weights",
    "GB/token",
    "prefill f32",
    "prefill bf16",
    "decode tok/s",
    "bound tok/s",
    "of bound",
    `decode ×${BATCH} tok/s`,
    "RSS MiB",
  ];
  const rows: string[][] = [];
  for (const format of FORMATS) {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), "--measure", format],
      {
        encoding: "utf8",
      },
    );
    const r = /RESULT ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(run.stdout);
    if (!r) {
      rows.push([format, `(failed: ${run.stderr.trim().split("\n").at(-1)})`]);
      continue;
    }
    const [bytes, f32, bf16, step, batched, rss] = r.slice(1).map(Number);
    const bound = (gbs * 1e9) / bytes;
    const decode = 1000 / step;
    rows.push([
      format,
      (bytes / 1e9).toFixed(2),
      `${((PROMPT * 1000) / f32).toFixed(0)} tok/s`,
      `${((PROMPT * 1000) / bf16).toFixed(0)} tok/s`,
      decode.toFixed(2),
      bound.toFixed(2),
      `${((100 * decode) / bound).toFixed(0)}%`,
      ((BATCH * 1000) / batched).toFixed(2),
      String(rss),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));

  const pope = (mode: string) => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), "--pope", mode],
      { encoding: "utf8" },
    );
    const r = /RESULT ([\d.]+)/.exec(run.stdout);
    return r ? Number(r[1]) : `(failed: ${run.stderr.trim().split("\n").at(-1)})`;
  };
  const reused = pope("reuse");
  const recomputed = pope("recompute");
  console.log(
    `\nPOPE-shaped: LLaVA-1.5 shape with TinyLlama-1.1B's LLM (bf16) and CLIP ViT-L/14-336, bf16 compute, ` +
      "yes/no questions about one image, 3 new tokens each, through the eval harness",
  );
  const rate = (s: number | string, n: number) =>
    typeof s === "string" ? s : `${(1 / s).toFixed(3)} questions/s (${s.toFixed(2)} s each, ${n} questions)`;
  console.log(`  with reuse (image features, shared prefix):  ${rate(reused, POPE_QUESTIONS)}`);
  console.log(`  without (everything recomputed):             ${rate(recomputed, POPE_RECOMPUTED)}`);
  if (typeof reused === "number" && typeof recomputed === "number")
    console.log(`  reuse answers ${(recomputed / reused).toFixed(1)}× as many questions per second`);
}
