// `lntune inspect DIR`: architecture, parameter counts, dtypes and weight placement of a checkpoint.
import type { Command } from "commander";
import { type CheckpointDescription, describeModel, type ModelDescription } from "../../models/inspect.ts";

interface InspectFlags {
  visionTower?: string;
  json?: boolean;
}

const count = (n: number) => n.toLocaleString("en-US");

function architecture(d: ModelDescription): string[] {
  const lines = [`kind: ${d.kind} (${d.layout} layout)`];
  if (d.llm) {
    const l = d.llm;
    const rope = l.ropeScaling ? `, scaling ${JSON.stringify(l.ropeScaling)}` : "";
    lines.push(
      `llm: ${l.modelType}, ${l.layers} layers, hidden ${l.hiddenSize}, intermediate ${l.intermediateSize}`,
      `  heads ${l.heads} (kv ${l.kvHeads}), head_dim ${l.headDim}, vocab ${l.vocabSize}`,
      `  rope theta ${l.ropeTheta}${rope}, max positions ${l.maxPositionEmbeddings}`,
      `  tie_word_embeddings ${l.tieWordEmbeddings}`,
    );
  }
  if (d.vision) {
    const v = d.vision;
    lines.push(
      `vision tower: ${v.layers} layers, hidden ${v.hiddenSize}, heads ${v.heads}`,
      `  image ${v.imageSize}px, patch ${v.patchSize}px, ${v.patches} patches`,
    );
  }
  if (d.llava) {
    const m = d.llava;
    lines.push(
      `projector: ${m.projectorType}`,
      `  feature layer ${m.featureLayer}, select ${m.selectFeature}, image token ${m.imageTokenIndex}`,
      `  tokens per image ${m.tokensPerImage ?? "unknown (no tower directory)"}, aspect ${m.imageAspectRatio}`,
    );
    if (!d.vision) lines.push(`  tower "${m.visionTower}" not found locally; pass --vision-tower DIR`);
  }
  return lines;
}

function placement(c: CheckpointDescription): string[] {
  const lines = [`checkpoint ${c.dir} (${c.layout}): ${c.tensors} tensors`];
  const names = (what: string, l: { count: number; first: string[] }) => {
    if (l.count === 0) return;
    const more = l.count > l.first.length ? ", …" : "";
    lines.push(`  ${what}: ${l.count} (${l.first.join(", ")}${more})`);
  };
  names("unplaced", c.unplaced);
  names("skipped", c.skipped);
  if (c.missing.length) lines.push(`  missing: ${c.missing.length} (${c.missing.join(", ")})`);
  for (const m of c.mismatched)
    lines.push(`  shape: ${m.name} (${m.diskName}) is [${m.actual}], expected [${m.expected}]`);
  return lines;
}

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("describe a checkpoint: architecture, parameter counts, dtypes and unplaced tensors")
    .argument("<dir>", "checkpoint directory (LLaMA, CLIP, llava-hf or original LLaVA)")
    .option("--vision-tower <dir>", "CLIP tower directory of an original-layout LLaVA checkpoint")
    .option("--json", "print the description as JSON")
    .action((dir: string, flags: InspectFlags) => {
      const d = describeModel(dir, { visionTowerDir: flags.visionTower });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
        return;
      }
      const p = d.parameters;
      const lines = [
        ...architecture(d),
        "parameters:",
        ...(
          [
            ["vision tower", p.visionTower],
            ["projector", p.projector],
            ["llm blocks", p.llmBlocks],
            ["embeddings", p.embeddings],
            ["head", p.head],
            ["norms", p.norms],
            ["total", p.total],
          ] as const
        ).map(([name, n]) => `  ${name.padEnd(12)} ${count(n).padStart(15)}`),
        `dtypes: ${Object.entries(d.dtypes)
          .map(([dtype, n]) => `${dtype} ×${n}`)
          .join(", ")}`,
        ...d.checkpoints.flatMap(placement),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
