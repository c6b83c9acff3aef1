// Default learning rates per stage and method, each with where it comes from. The paper's per-method rates
// are not known; rates without a published source come from the sweep in docs/lr-sweep.md.
import type { MethodName } from "./methods.ts";

export interface LrDefault {
  lr: number;
  source: string;
}

export const PRETRAIN_LR: LrDefault = { lr: 2e-3, source: "LLaVA scripts/pretrain.sh (stage 1)" };

export const FINETUNE_LR: Record<MethodName, LrDefault> = {
  full: { lr: 2e-5, source: "LLaVA scripts/finetune.sh" },
  lora: { lr: 2e-4, source: "LLaVA scripts/v1_5/finetune_lora.sh" },
  "attn-qv": { lr: 2e-5, source: "LLaVA scripts/finetune.sh (full-matrix updates, as full finetuning)" },
  "attn-mlp": { lr: 2e-5, source: "LLaVA scripts/finetune.sh (full-matrix updates, as full finetuning)" },
  ln: { lr: 2e-4, source: "sweep on the sandbox, docs/lr-sweep.md" },
  "ln-simp": { lr: 2e-2, source: "sweep on the sandbox, docs/lr-sweep.md" },
  connector: { lr: 2e-3, source: "LLaVA scripts/pretrain.sh (connector-only training)" },
  "ln-connector": { lr: 4e-3, source: "sweep on the sandbox, docs/lr-sweep.md" },
};
