// Switching adapters on a loaded base model without reloading it. Activation swaps the adapter's tensors
// into the parameters (PEFT's LN tuning and modules_to_save hold whole copies, so applying one is a swap,
// like LNTuningLayer.merge) and adds LoRA branches; the replaced storage is kept, never written to, and
// put back on deactivation, so the base comes back bit for bit.
import type { Linear } from "../nn/layers.ts";
import type { Module, Parameter } from "../nn/module.ts";
import { DTYPES } from "../tensor/dtype.ts";
import { Rng } from "../tensor/rng.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { AdapterConfig } from "./peft_config.ts";

export interface LoraFactors {
  /** [r, in] */
  A: Tensor;
  /** [out, r] */
  B: Tensor;
}

/** An adapter read from disk, in canonical names. */
export interface Adapter {
  dir: string;
  config: AdapterConfig;
  /** Whole parameter values (LN-tuning copies, modules_to_save) by canonical parameter name. */
  tensors: Map<string, Tensor>;
  /** LoRA factors by the canonical path of the Linear they adapt. */
  lora: Map<string, LoraFactors>;
}

interface Saved {
  param: Parameter;
  storage: Parameter["storage"];
  requiresGrad: boolean;
}

interface ActiveState {
  adapter: Adapter;
  saved: Saved[];
  loraModules: Linear[];
}

const active = new WeakMap<Module, ActiveState>();

export function activeAdapter(model: Module): Adapter | null {
  return active.get(model)?.adapter ?? null;
}

/** Checks everything before touching the parameters, so a bad adapter leaves the base in place. */
function resolve(model: Module, adapter: Adapter): { params: Parameter[]; linears: Linear[] } {
  const byName = model.stateDict();
  const modules = new Map(model.namedModules());
  const problems: string[] = [];
  const params = [...adapter.tensors].map(([name, t]) => {
    const p = byName.get(name);
    if (!p) problems.push(`${name}: the model has no such parameter`);
    else if (p.shape.join() !== t.shape.join())
      problems.push(`${name}: adapter shape [${t.shape}] but the model's is [${p.shape}]`);
    return p!;
  });
  const linears = [...adapter.lora].map(([path, { A, B }]) => {
    const m = modules.get(path) as Linear | undefined;
    if (!m || !("lora_A" in m)) problems.push(`${path}: the model has no such Linear`);
    else if (m.lora_A) problems.push(`${path}: already carries a LoRA branch`);
    else if (A.shape[1] !== m.inFeatures || B.shape[0] !== m.outFeatures || A.shape[0] !== B.shape[1])
      problems.push(`${path}: LoRA shapes A [${A.shape}], B [${B.shape}] do not fit [${m.weight.shape}]`);
    return m!;
  });
  if (problems.length)
    throw new Error(`${adapter.dir}: cannot apply the adapter:\n  ${problems.join("\n  ")}`);
  return { params, linears };
}

/** Makes `adapter` the model's only active adapter (deactivating any other first). Whole tensors take
 * the dtype of the parameter they replace and LoRA factors are f32 (PEFT's autocast_adapter_dtype); f32
 * tensors become the live parameter storage, frozen; call setTrainable to continue training them. */
export function activateAdapter(model: Module, adapter: Adapter): void {
  deactivate(model);
  const { params, linears } = resolve(model, adapter);
  const saved: Saved[] = [];
  [...adapter.tensors.values()].forEach((t, i) => {
    const p = params[i];
    saved.push({ param: p, storage: p.storage, requiresGrad: p.requiresGrad });
    // torch's load_state_dict copies into the parameter's dtype; a quantised base weight takes the adapter's
    // values at its checkpoint dtype instead, since the weights an adapter supplies stay exact.
    p.storage = t.storedAs(DTYPES[p.dtype].quantised ? p.checkpointDtype : p.dtype);
    p.requiresGrad = false;
  });
  const lora = adapter.config.lora;
  [...adapter.lora.values()].forEach(({ A, B }, i) => {
    const m = linears[i];
    // addLora sets PEFT's scaling (alpha/r, or alpha/√r with rsLoRA) and the dropout; its random A is replaced.
    m.addLora(A.shape[0], lora!.alpha, lora!.dropout, new Rng(i), lora!.useRslora);
    for (const [p, t] of [
      [m.lora_A!.weight, A],
      [m.lora_B!.weight, B],
    ] as const) {
      p.storage = t.storedAs("f32");
      p.requiresGrad = false;
    }
  });
  active.set(model, { adapter, saved, loraModules: linears });
}

/** Restores the base: the stored storage goes back into each swapped parameter and LoRA branches go. */
export function deactivate(model: Module): void {
  const state = active.get(model);
  if (!state) return;
  for (const s of state.saved) {
    s.param.storage = s.storage;
    s.param.requiresGrad = s.requiresGrad;
  }
  for (const m of state.loraModules) m.removeLora();
  active.delete(model);
}
