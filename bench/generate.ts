// Generation speed on TinyLlama-1.1B's shape per weight format (f32, bf16, f16, and bf16 quantised to int8 and
// nf4): prefill tok/s of a 512-token prompt (f32 and bf16 compute) and decoding tok/s (one token at a time on a
// KV cache), next to the bound memory bandwidth sets for decoding, measured in the same run: every step reads
// each projection and head weight once, so tok/s ≤ bandwidth / those weights' bytes. Medians after warm-up.
// Run: npm run bench:generate. Each format runs in its own process (its peak RSS is its own).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StorageDtype } from "../src/backend/dtypes.ts";
import { kernels } from "../src/backend/index.ts";
import { nativeIsa } from "../src/backend/native.ts";
import { generate } from "../src/models/generation.ts";
import { KVCache } from "../src/models/llama/kv_cache.ts";
import type { LlamaForCausalLM } from "../src/models/llama/model.ts";
import { noGrad } from "../src/tensor/autograd.ts";
import { type ComputeDtype, setComputeDtype } from "../src/tensor/compute_dtype.ts";
import { quantizeFrozen } from "../src/tuning/quantize.ts";
import { median, timeMs } from "./timing.ts";
import { tinyLlamaShape } from "./tinyllama_shape.ts";

const FORMATS = ["f32", "bf16", "f16", "int8", "nf4"] as const;
type Format = (typeof FORMATS)[number];
const PROMPT = 512;
const DECODE_STEPS = 24;

/** Bytes every decoding step reads: the projections' and the head's weights (one embedding row is noise). */
function bytesPerToken(model: LlamaForCausalLM): number {
  let bytes = 0;
  for (const [name, p] of model.namedParameters())
    if (name !== "model.embed_tokens.weight" && p.ndim === 2) bytes += p.data.byteLength;
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

function decodeMs(model: LlamaForCausalLM): number {
  setComputeDtype("f32");
  const ids = Int32Array.from({ length: 32 }, (_, i) => (i * 7919) % 32000);
  const steps: number[] = [];
  let last = 0;
  generate(
    model,
    { batch: 1, seqLen: ids.length, inputIds: ids, attentionMask: new Uint8Array(ids.length).fill(1) },
    {
      maxNewTokens: DECODE_STEPS + 1,
      eosTokenIds: [],
      onToken: () => {
        const now = performance.now();
        if (last > 0) steps.push(now - last);
        last = now;
        return false;
      },
    },
  );
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
  const step = decodeMs(model);
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`RESULT ${bytesPerToken(model)} ${f32} ${bf16} ${step} ${rss.toFixed(0)}`);
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
else {
  const threads = kernels().threads();
  const gbs = bandwidth();
  console.log(
    `generation, TinyLlama-1.1B shape, batch 1, native ISA ${nativeIsa()}, ${threads} threads; ` +
      `memory read bandwidth ${gbs.toFixed(1)} GB/s (this run)`,
  );
  console.log(
    `prefill: a ${PROMPT}-token prompt; decode: one token per step on the cache; bound = bandwidth / weight bytes per token`,
  );
  const header = [
    "weights",
    "GB/token",
    "prefill f32",
    "prefill bf16",
    "decode tok/s",
    "bound tok/s",
    "of bound",
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
    const r = /RESULT ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(run.stdout);
    if (!r) {
      rows.push([format, `(failed: ${run.stderr.trim().split("\n").at(-1)})`]);
      continue;
    }
    const [bytes, f32, bf16, step, rss] = r.slice(1).map(Number);
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
      String(rss),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
