// `lntune merge --model DIR --adapter DIR --output DIR`: a full checkpoint with a PEFT adapter merged in.
import type { Command } from "commander";
import { mergeAdapter } from "../../tuning/merge.ts";

interface MergeFlags {
  model: string;
  adapter: string;
  output: string;
}

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("merge an LN-tuning or LoRA adapter into its base checkpoint (one model.safetensors)")
    .requiredOption("--model <dir>", "base checkpoint directory (llava-hf, original LLaVA or LLaMA layout)")
    .requiredOption("--adapter <dir>", "adapter directory (adapter_config.json, adapter_model.safetensors)")
    .requiredOption("--output <dir>", "directory for the merged checkpoint")
    .action((flags: MergeFlags) => {
      const r = mergeAdapter(flags.model, flags.adapter, flags.output);
      process.stdout.write(`merged ${r.merged.length} tensors into ${r.file} (${r.layout} layout)\n`);
    });
}
