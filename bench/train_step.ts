// One training step (forward + backward + AdamW), lntune next to PyTorch (bench/torch_llama_step.py) run in the
// same command, both timed as the median of steps after a warm-up step. Two shapes:
//   small      LLaMA d 512 × 8 layers, vocabulary 32000, batch 4 × 256, f32: only the RMSNorm weights trainable
//              ("norm", LayerNorm-simp.) and every parameter ("all");
//   tinyllama  TinyLlama-1.1B, batch 1 × 640, from a bf16 checkpoint: the paper's LayerNorm-simp. ("ln-simp", the
//              norms) and LayerNorm ("ln", plus embeddings and head), lntune with f32 and with bf16 compute
//              (--compute-dtype bf16), torch with f32 weights and with bf16 frozen weights under bf16 autocast.
// Run: npm run bench:train [small|tinyllama] (default both). Each configuration runs in its own process, so the
// peak RSS is its own.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { kernels } from "../src/backend/index.ts";
import { nativeIsa } from "../src/backend/native.ts";
import { Fields } from "../src/io/config/fields.ts";
import { parseLlamaConfig } from "../src/io/config/llama_config.ts";
import { LlamaForCausalLM } from "../src/models/llama/model.ts";
import { backward, noGrad } from "../src/tensor/autograd.ts";
import { type ComputeDtype, setComputeDtype } from "../src/tensor/compute_dtype.ts";
import { Rng } from "../src/tensor/rng.ts";
import { AdamW } from "../src/train/adamw.ts";
import { applyMethod } from "../src/tuning/apply.ts";
import { METHODS, type MethodName } from "../src/tuning/methods.ts";
import { measurePeaks, type Peak } from "./peak_flops.ts";
import { median } from "./timing.ts";
import { TINYLLAMA, tinyLlamaShape } from "./tinyllama_shape.ts";
import { PYTHON, torchAvailable, torchEnv } from "./torch_env.ts";

const TORCH_SCRIPT = fileURLToPath(new URL("./torch_llama_step.py", import.meta.url));

interface Config {
  shape: "small" | "tinyllama";
  /** lntune's method, and torch's mode for the same trainable set. */
  method: MethodName;
  torchMode: "norm" | "ln" | "all";
  label: string;
}

const SHAPES = {
  small: { batch: 4, seq: 256, steps: 5 },
  tinyllama: { batch: 1, seq: 640, steps: 3 },
};

const CONFIGS: Config[] = [
  { shape: "small", method: "ln-simp", torchMode: "norm", label: "norm" },
  { shape: "small", method: "full", torchMode: "all", label: "all" },
  { shape: "tinyllama", method: "ln-simp", torchMode: "norm", label: "ln-simp" },
  { shape: "tinyllama", method: "ln", torchMode: "ln", label: "ln" },
];

function smallModel(): LlamaForCausalLM {
  const config = parseLlamaConfig(
    new Fields("(bench)", {
      model_type: "llama",
      vocab_size: 32000,
      hidden_size: 512,
      intermediate_size: 1376,
      num_hidden_layers: 8,
      num_attention_heads: 8,
      rms_norm_eps: 1e-5,
    }),
  );
  return new LlamaForCausalLM(config, new Rng(0));
}

/** Runs one configuration in this process and prints its RESULT line. */
function measure(c: Config, compute: ComputeDtype): void {
  const { batch: B, seq: S, steps } = SHAPES[c.shape];
  const model = c.shape === "small" ? smallModel() : tinyLlamaShape("bf16");
  applyMethod(model, METHODS[c.method], { includeFinalNorm: true }, new Rng(0));
  setComputeDtype(compute);
  const params = model.namedParameters().filter(([, p]) => p.requiresGrad);
  const opt = new AdamW(params, { lr: 1e-4 });
  const rng = new Rng(1);
  const ids = Int32Array.from({ length: B * S }, () => rng.int(32000));
  const labels = Int32Array.from({ length: B * S }, () => rng.int(32000));
  const step = () => {
    const out = model.forward({ inputIds: ids, batch: B, seqLen: S, labels });
    backward(out.loss!);
    opt.update(1e-4);
    opt.zeroGrad();
  };
  step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const fwd: number[] = [];
  noGrad(() => {
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      model.forward({ inputIds: ids, batch: B, seqLen: S, logits: "last" });
      fwd.push(performance.now() - t0);
    }
  });
  const ms = median(times);
  const trainable = params.reduce((n, [, p]) => n + p.size, 0);
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `RESULT ${ms.toFixed(0)} ${((B * S * 1000) / ms).toFixed(0)} ${median(fwd).toFixed(0)} ${rss.toFixed(0)} ${trainable}`,
  );
}

const show = (ms: number, tokPerS: number, fwd: number, rss: number) =>
  `${(ms / 1000).toFixed(2)} s/step ${tokPerS} tok/s fwd ${(fwd / 1000).toFixed(2)} s RSS ${rss} MiB`;

function ours(c: Config, compute: ComputeDtype): { text: string; ms: number | null } {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--measure", c.shape, c.label, compute],
    { encoding: "utf8" },
  );
  const r = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(run.stdout);
  if (!r) return { text: `(failed: ${run.stderr.trim().split("\n").at(-1)})`, ms: null };
  return { text: show(+r[1], +r[2], +r[3], +r[4]), ms: +r[1] };
}

function torch(
  c: Config,
  threads: number,
  bf16: boolean,
): { text: string; ms: number | null; version: string } {
  const args = [TORCH_SCRIPT, c.shape, c.torchMode, String(threads), ...(bf16 ? ["bf16"] : [])];
  const run = spawnSync(PYTHON, args, { env: torchEnv(threads), encoding: "utf8" });
  const m =
    /^(torch \S+ BLAS \S+).*step\(fwd\+bwd\+AdamW\)=(\d+) ms\s+tokens\/s=(\d+)\s+fwd-only\(no_grad\)=(\d+) ms.*maxrss=(\d+) MiB/m.exec(
      run.stdout,
    );
  if (!m) return { text: `(failed: ${run.stderr.trim().split("\n").at(-1)})`, ms: null, version: "" };
  return { text: show(+m[2], +m[3], +m[4], +m[5]), ms: +m[2], version: m[1] };
}

/** The least time a TinyLlama step can take at the CPU's arithmetic peak: its matrix products' FLOPs (forward,
 * the input gradients backward, and the weight gradient of a trainable head) over the peak of the dtype they run
 * in, bf16 for the frozen weights and f32 for the trainable head; attention's products counted in full. The
 * norms, the loss and the optimizer are left out, so the true least time is longer. */
function leastSeconds(c: Config, peak: Peak): number | null {
  if (peak.bf16 === undefined) return null;
  const { hidden_size: d, intermediate_size: f, num_hidden_layers: L, vocab_size: V } = TINYLLAMA;
  const kv = (d / TINYLLAMA.num_attention_heads) * TINYLLAMA.num_key_value_heads;
  const T = SHAPES.tinyllama.seq;
  const blockWeights = L * (d * (2 * d + 2 * kv) + 3 * d * f);
  const attention = 3 * L * 4 * T * T * d; // QKᵀ and PV forward, twice that backward
  const blocks = 2 * 2 * T * blockWeights + attention; // forward and input gradients
  const head = 2 * T * d * V * (c.method === "ln" ? 3 : 2);
  const headInBf16 = c.method !== "ln";
  return (blocks + (headInBf16 ? head : 0)) / (peak.bf16 * 1e9) + (headInBf16 ? 0 : head / (peak.f32 * 1e9));
}

const args = process.argv.slice(2);
if (args[0] === "--measure") {
  const c = CONFIGS.find((x) => x.shape === args[1] && x.label === args[2])!;
  measure(c, args[3] as ComputeDtype);
} else {
  const shapes = args.length > 0 ? args : ["small", "tinyllama"];
  const threads = kernels().threads();
  const haveTorch = torchAvailable();
  console.log(
    `training step: lntune native ISA ${nativeIsa()}, ${threads} threads; PyTorch ${haveTorch ? PYTHON : "not available"}`,
  );
  console.log(
    "times are medians of timed steps after a warm-up; ratio = lntune time / torch time (lower is faster)",
  );
  let versionShown = false;
  for (const shape of shapes) {
    const s = SHAPES[shape as Config["shape"]];
    if (!s) throw new Error(`unknown shape ${shape}: small or tinyllama`);
    console.log(`\n${shape}: batch ${s.batch} × ${s.seq}`);
    for (const c of CONFIGS.filter((x) => x.shape === shape)) {
      const computes: ComputeDtype[] = shape === "small" ? ["f32"] : ["f32", "bf16"];
      const lines: string[] = [];
      const oursMs: Partial<Record<ComputeDtype, number | null>> = {};
      for (const compute of computes) {
        const r = ours(c, compute);
        oursMs[compute] = r.ms;
        lines.push(
          `  lntune ${c.label.padEnd(8)} ${(shape === "small" ? "f32" : `bf16 weights, ${compute} compute`).padEnd(28)} ${r.text}`,
        );
      }
      if (haveTorch)
        for (const bf16 of shape === "small" ? [false] : [false, true]) {
          const t = torch(c, threads, bf16);
          if (!versionShown && t.version) {
            console.log(`  (${t.version})`);
            versionShown = true;
          }
          const mine = oursMs[bf16 ? "bf16" : "f32"];
          const ratio = mine && t.ms ? `  ratio ${(mine / t.ms).toFixed(2)}` : "";
          lines.push(
            `  torch  ${c.label.padEnd(8)} ${(bf16 ? "bf16 frozen weights, autocast" : "f32").padEnd(28)} ${t.text}${ratio}`,
          );
        }
      for (const l of lines) console.log(l);
      // Measured after the configuration's runs, on the machine as they left it.
      const peaks = shape === "tinyllama" ? measurePeaks([threads], 2) : null;
      if (typeof peaks === "string") console.log(`  (no peak measurement: ${peaks})`);
      const peak = peaks instanceof Map ? peaks.get(threads)! : null;
      const least = peak ? leastSeconds(c, peak) : null;
      if (peak && least !== null)
        console.log(
          `  bound: the matrix products at this run's peak (vdpbf16ps ${peak.bf16!.toFixed(0)}, f32 FMA ` +
            `${peak.f32.toFixed(0)} GFLOP/s) take at least ${least.toFixed(2)} s/step`,
        );
    }
  }
}
