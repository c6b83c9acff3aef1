// One LLaMA block (d 512, 8 heads, SwiGLU 1376, seq 256, batch 4), forward + backward with every block weight
// trainable, and forward + backward with only the two RMSNorms trainable (no weight-gradient GEMMs), in ms,
// next to the same block in PyTorch when the system python has torch.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { kernels } from "../src/backend/index.ts";
import { Fields } from "../src/io/config/fields.ts";
import { type LlamaConfig, parseLlamaConfig } from "../src/io/config/llama_config.ts";
import { LlamaDecoderLayer } from "../src/models/llama/decoder_layer.ts";
import { defaultPositions } from "../src/models/llama/model.ts";
import { rotaryTables } from "../src/models/llama/rotary.ts";
import { backward } from "../src/tensor/autograd.ts";
import { sum } from "../src/tensor/ops/reduce.ts";
import { Rng } from "../src/tensor/rng.ts";
import { Tensor } from "../src/tensor/tensor.ts";
import { timeMs } from "./timing.ts";
import { PYTHON, torchAvailable, torchEnv } from "./torch_env.ts";

const [B, T, D, H, I] = [4, 256, 512, 8, 1376];
const TORCH_SCRIPT = fileURLToPath(new URL("./torch_llama_block.py", import.meta.url));

const config: LlamaConfig = parseLlamaConfig(
  new Fields("(bench)", {
    model_type: "llama",
    hidden_size: D,
    intermediate_size: I,
    num_hidden_layers: 1,
    num_attention_heads: H,
    rms_norm_eps: 1e-5,
  }),
);

function blockMs(normsOnly: boolean): number {
  const rng = new Rng(0);
  const layer = new LlamaDecoderLayer(config, rng);
  for (const [name, p] of layer.namedParameters())
    p.requiresGrad = !normsOnly || name.endsWith("layernorm.weight");
  const x = new Tensor(rng.fillNormal(new Float32Array(B * T * D)), [B, T, D]);
  x.requiresGrad = true;
  const { cos, sin } = rotaryTables(config, defaultPositions(B, T));
  return timeMs(() => {
    const y = layer.forward(x, { B, T, cos, sin, keyMask: null, cache: null, layer: 0 });
    backward(sum(y));
    for (const p of layer.parameters()) p.grad = null;
    x.grad = null;
  }, 5);
}

function torchMs(threads: number): { all: number; norms: number } | null {
  if (!torchAvailable()) return null;
  const run = spawnSync(PYTHON, [TORCH_SCRIPT, String(threads)], {
    env: torchEnv(threads),
    encoding: "utf8",
  });
  const m = /all ([\d.]+) ms norms ([\d.]+) ms/.exec(run.stdout);
  return m ? { all: Number(m[1]), norms: Number(m[2]) } : null;
}

export function benchBlock(): void {
  const k = kernels();
  const all = k.threads();
  console.log(
    `\nLLaMA block forward + backward (d ${D}, ${H} heads, SwiGLU ${I}, seq ${T}, batch ${B}), backend ${k.name}`,
  );
  console.log("threads  trainable      lntune ms  torch ms  ratio");
  for (const threads of all > 1 ? [1, all] : [1]) {
    k.setThreads(threads);
    const torch = torchMs(threads);
    for (const normsOnly of [false, true]) {
      const ms = blockMs(normsOnly);
      const ref = torch ? (normsOnly ? torch.norms : torch.all) : null;
      const ratio = ref ? (ms / ref).toFixed(2) : "-";
      console.log(
        `${String(threads).padStart(7)}  ${(normsOnly ? "norms only" : "all weights").padEnd(12)} ${ms.toFixed(1).padStart(10)}  ${ref ? ref.toFixed(1).padStart(8) : "       -"}  ${ratio.padStart(5)}`,
      );
    }
  }
  k.setThreads(all);
  console.log("ratio = lntune ms / torch ms (lower is faster)");
}
