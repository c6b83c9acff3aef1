// The paper's tuning methods as exact trainable sets (its method comparison and Figure 1), plus its connector ablation.
// The vision tower is frozen in every method.
import type { ParamGroup } from "../models/param_groups.ts";

export type MethodName =
  | "full"
  | "lora"
  | "attn-qv"
  | "attn-mlp"
  | "ln"
  | "ln-simp"
  | "connector"
  | "ln-connector";

export interface MethodSpec {
  name: MethodName;
  /** The paper's name for it. */
  paperName: string;
  /** Whole groups made trainable. */
  groups: ParamGroup[];
  /** Only q_proj and v_proj of the attention group. */
  qvOnly?: boolean;
  /** LoRA branches are injected into the seven projections first. */
  lora?: boolean;
}

const DEFAULT: ParamGroup[] = ["connector", "embeddings", "head"];

export const METHODS: Record<MethodName, MethodSpec> = {
  full: {
    name: "full",
    paperName: "Finetune",
    groups: ["connector", "embeddings", "head", "block_norms", "final_norm", "attention", "mlp"],
  },
  lora: { name: "lora", paperName: "LoRA", groups: ["lora", ...DEFAULT], lora: true },
  "attn-qv": {
    name: "attn-qv",
    paperName: "Attn. QV Proj.",
    groups: ["attention", ...DEFAULT],
    qvOnly: true,
  },
  "attn-mlp": { name: "attn-mlp", paperName: "Attn. MLP", groups: ["mlp", ...DEFAULT] },
  ln: { name: "ln", paperName: "LayerNorm", groups: ["block_norms", ...DEFAULT] },
  "ln-simp": { name: "ln-simp", paperName: "LayerNorm-simp.", groups: ["block_norms"] },
  connector: { name: "connector", paperName: "connector only (ablation)", groups: ["connector"] },
  "ln-connector": {
    name: "ln-connector",
    paperName: "LayerNorm + connector (ablation)",
    groups: ["block_norms", "connector"],
  },
};

export function methodSpec(name: string): MethodSpec {
  const spec = METHODS[name as MethodName];
  if (!spec) throw new Error(`unknown method "${name}"; choose one of ${Object.keys(METHODS).join(", ")}`);
  return spec;
}
