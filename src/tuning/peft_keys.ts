// Tensor names in PEFT adapter files. In a PeftModel, adapter state lives under
// "base_model.model.<module path>.<adapter container>.<adapter name>.<path inside the container's entry>";
// get_peft_model_state_dict (src/peft/utils/save_and_load.py) drops the adapter name from the saved key.
// Since PEFT 0.18 it drops it only where it is the last or second-to-last segment (remove_adapter_name), so
// an LN-tuning copy of a module with sub-modules keeps it: multi_modal_projector.ln_tuning_layers.default
// .linear_1.weight. PEFT ≤ 0.17 removed every ".default" (str.replace), which gave
// multi_modal_projector.ln_tuning_layers.linear_1.weight; both forms are read.

/** PeftModel.base_model (the tuner) .model (the transformers model). */
export const PREFIX = "base_model.model.";

/** The name PeftModel gives the adapter it is created with, and the one lntune's adapters carry. */
export const ADAPTER_NAME = "default";

const SUFFIX = `.${ADAPTER_NAME}`;

/** The key get_peft_model_state_dict saves for a state-dict key of the PEFT model (PEFT ≥ 0.18). */
export function savedKey(modelKey: string): string {
  if (modelKey.endsWith(SUFFIX)) return modelKey.slice(0, -SUFFIX.length);
  const cut = modelKey.lastIndexOf(".");
  const head = modelKey.slice(0, cut);
  return (head.endsWith(SUFFIX) ? head.slice(0, -SUFFIX.length) : head) + modelKey.slice(cut);
}

/** The path inside an LN-tuning copy from what follows ".ln_tuning_layers." in a saved key, in either
 * form: "default.linear_1.weight" (PEFT ≥ 0.18) or "linear_1.weight" / "weight" (both forms). */
export function lnTuningInnerPath(rest: string): string {
  return rest.startsWith(`${ADAPTER_NAME}.`) ? rest.slice(ADAPTER_NAME.length + 1) : rest;
}
