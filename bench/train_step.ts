// One training step (forward + backward + AdamW) of the LLaMA-style model of ../shared/bench/torch_llama_step.py
// (d 512, 8 layers, 8 heads, SwiGLU 1376, vocabulary 32000 untied, batch 4 × 256 tokens), with only the RMSNorm
// weights trainable ("norm", LayerNorm-simp. style) and with every parameter trainable ("all"), next to that
// PyTorch script run in the same command. Run: npm run bench:train. Each mode runs in its own process so the
// peak RSS is the mode's own.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { kernels } from "../src/backend/index.ts";
import { Fields } from "../src/io/config/fields.ts";
import { parseLlamaConfig } from "../src/io/config/llama_config.ts";
import { LlamaForCausalLM } from "../src/models/llama/model.ts";
import { backward, noGrad } from "../src/tensor/autograd.ts";
import { Rng } from "../src/tensor/rng.ts";
import { AdamW } from "../src/train/adamw.ts";
import { applyMethod } from "../src/tuning/apply.ts";
import { METHODS } from "../src/tuning/methods.ts";
import { median } from "./timing.ts";
import { PYTHON, torchAvailable, torchEnv } from "./torch_env.ts";

const [B, S] = [4, 256];
const TORCH_SCRIPT = fileURLToPath(new URL("../../shared/bench/torch_llama_step.py", import.meta.url));

function measure(mode: "norm" | "all"): void {
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
  const model = new LlamaForCausalLM(config, new Rng(0));
  applyMethod(
    model,
    mode === "norm" ? METHODS["ln-simp"] : METHODS.full,
    { includeFinalNorm: true },
    new Rng(0),
  );
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
  for (let i = 0; i < 2; i++) step();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const fwd: number[] = [];
  noGrad(() => {
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      model.forward({ inputIds: ids, batch: B, seqLen: S, logits: "all" });
      fwd.push(performance.now() - t0);
    }
  });
  const ms = median(times);
  const trainable = params.reduce((n, [, p]) => n + p.size, 0);
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `RESULT ${mode} ${ms.toFixed(0)} ${((B * S * 1000) / ms).toFixed(0)} ${median(fwd).toFixed(0)} ${rss.toFixed(0)} ${trainable}`,
  );
}

function torchStep(mode: string, threads: number): string {
  if (!existsSync(TORCH_SCRIPT) || !torchAvailable()) return "(torch not available)";
  const run = spawnSync(PYTHON, [TORCH_SCRIPT, mode, String(threads)], {
    env: torchEnv(threads),
    encoding: "utf8",
  });
  const m =
    /step\(fwd\+bwd\+AdamW\)=(\d+) ms\s+tokens\/s=(\d+)\s+fwd-only\(no_grad\)=(\d+) ms.*maxrss=(\d+) MiB/.exec(
      run.stdout,
    );
  return m
    ? `${m[1]} ms/step, ${m[2]} tok/s, fwd ${m[3]} ms, peak RSS ${m[4]} MiB`
    : `(torch run failed: ${run.stderr.trim().split("\n").at(-1)})`;
}

const mode = process.argv[2];
if (mode === "norm" || mode === "all") measure(mode);
else {
  const threads = kernels().threads();
  console.log(
    `training step, LLaMA d512 × 8 layers, vocab 32000, batch ${B} × ${S}, ${threads} threads, backend ${kernels().name}`,
  );
  console.log("mode  trainable     lntune                                              torch (same command)");
  for (const m of ["norm", "all"] as const) {
    const run = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), m], {
      encoding: "utf8",
    });
    const r = /RESULT \w+ (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(run.stdout);
    const ours = r
      ? `${r[1]} ms/step, ${r[2]} tok/s, fwd ${r[3]} ms, peak RSS ${r[4]} MiB`
      : `(failed: ${run.stderr.trim().split("\n").at(-1)})`;
    console.log(
      `${m.padEnd(5)} ${(r ? Number(r[5]).toLocaleString() : "-").padStart(10)}   ${ours.padEnd(52)} ${torchStep(m, threads)}`,
    );
  }
}
