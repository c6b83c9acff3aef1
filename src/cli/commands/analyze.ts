// `lntune analyze similarity …`: the paper's layer-representation similarity. (The gradient-variance analysis
// runs during training: `lntune finetune --grad-variance-every N`.)
import type { Command } from "commander";
import { layerSimilarityOf } from "../../analysis/similarity_run.ts";

export function registerAnalyze(program: Command): void {
  const analyze = program.command("analyze").description("the paper's analyses of a tuned model");
  analyze
    .command("similarity")
    .description(
      "average cosine similarity between the decoder layers' representations (lower = more diverse)",
    )
    .requiredOption("--model <dir>", "LLaVA checkpoint directory")
    .option("--adapter <dir>", "PEFT adapter to apply first")
    .option("--vision-tower <dir>", "tower directory of an original-layout LLaVA")
    .option("--tokenizer <dir>", "tokenizer directory (default: the model directory)")
    .requiredOption("--data <file>", "LLaVA-format samples to run")
    .requiredOption("--images <dir>", "image folder")
    .option("--template <name>", "conversation template", "vicuna_v1")
    .option("--limit <n>", "samples", (v) => Number.parseInt(v, 10), 100)
    .option("--json", "print the result as JSON")
    .action(async (o) => {
      const r = await layerSimilarityOf({ ...o, visionTower: o.visionTower });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const rows = r.matrix.map(
        (row, i) => `  ${String(i).padStart(3)} ${row.map((c) => c.toFixed(3)).join(" ")}`,
      );
      const lines = [
        `samples ${r.samples}`,
        `pooled similarity ${r.pooled.toFixed(4)}`,
        `per-token similarity ${r.perToken.toFixed(4)}`,
        "layer × layer (pooled):",
        ...rows,
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
