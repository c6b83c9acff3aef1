// `lntune data stats FILE --images DIR`: what a LLaVA data file holds and what would be dropped.
import type { Command } from "commander";
import { datasetStats } from "../../data/stats.ts";
import { getTemplate, TEMPLATE_NAMES } from "../../data/templates/index.ts";
import { loadTokenizer } from "../../io/tokenizer.ts";

interface StatsFlags {
  images: string;
  tokenizer?: string;
  template: string;
  types?: string;
  subsample?: number;
  seed: number;
  json?: boolean;
}

export function registerData(program: Command): void {
  const data = program.command("data").description("inspect LLaVA-format training data");
  data
    .command("stats")
    .description("count samples, types, images and token lengths of a JSON/JSONL data file")
    .argument("<file>", "LLaVA data file (.json list or .jsonl)")
    .requiredOption("--images <dir>", "image folder the samples' image paths are relative to")
    .option(
      "--tokenizer <dir>",
      "tokenizer directory (tokenizer.json, tokenizer_config.json) for token lengths",
    )
    .option("--template <name>", `conversation template (${TEMPLATE_NAMES.join(", ")})`, "vicuna_v1")
    .option(
      "--types <list>",
      "only these data types, comma-separated (conversation, detail, complex_reasoning)",
    )
    .option("--subsample <n>", "then N samples at random (seeded)", (v) => Number.parseInt(v, 10))
    .option("--seed <n>", "seed of --subsample", (v) => Number.parseInt(v, 10), 0)
    .option("--json", "print the statistics as JSON")
    .action(async (file: string, flags: StatsFlags) => {
      const tokenizer = flags.tokenizer ? loadTokenizer(flags.tokenizer) : undefined;
      const template = getTemplate(flags.template, tokenizer);
      const subset = { types: flags.types?.split(","), subsample: flags.subsample, seed: flags.seed };
      const stats = await datasetStats(file, { imageFolder: flags.images, tokenizer, template, subset });
      // A file that trains on nothing is an error to scripts, whatever the output format.
      if (stats.samples === 0) {
        process.stderr.write(`${file}: no usable samples\n`);
        process.exitCode = 1;
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
        return;
      }
      const lines = [
        `samples: ${stats.samples} (${stats.withImage} with an image)`,
        `images: ${stats.images.found} usable, ${stats.images.missing} missing, ${stats.images.undecodable} undecodable, ${stats.images.tooLarge} over the pixel limit`,
        "types:",
        ...Object.entries(stats.types).map(
          ([type, t]) =>
            `  ${type}: ${t.samples}${t.tokens !== undefined ? ` samples, ${t.tokens} tokens, ${t.trainedTokens} trained` : ""}`,
        ),
        "bad samples:",
        ...Object.entries(stats.bad).map(([reason, n]) => `  ${reason}: ${n}`),
      ];
      if (stats.lengths) {
        const { edges, counts, min, max, mean } = stats.lengths;
        lines.push(`token lengths: min ${min}, mean ${mean.toFixed(1)}, max ${max}`);
        edges.forEach((edge, i) => {
          const range = i + 1 < edges.length ? `${edge}-${edges[i + 1] - 1}` : `${edge}+`;
          lines.push(`  ${range.padStart(10)}: ${counts[i]}`);
        });
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
