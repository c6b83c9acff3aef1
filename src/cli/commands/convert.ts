// `lntune convert IN OUT [--dtype f32|f16|bf16]`: a checkpoint (safetensors or torch .bin/.pt/.pth, a file or
// a directory) rewritten as safetensors, float tensors optionally narrowed or widened.
import { type Command, Option } from "commander";
import type { FloatDtype } from "../../io/cast_dtype.ts";
import { convertCheckpoint } from "../../io/convert_checkpoint.ts";
import { DEFAULT_SHARD_BYTES } from "../../io/safetensors_shards.ts";

const DTYPES: Record<string, FloatDtype> = { f32: "F32", f16: "F16", bf16: "BF16" };
const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/** "5GB", "200MB", "1.5GiB" or a byte count, as transformers' max_shard_size. */
function byteSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) * unit < 1)
    throw new Error(`not a size: ${v} (e.g. 5GB, 500MB)`);
  return Math.floor(Number(m[1]) * unit);
}

const human = (bytes: number) =>
  bytes >= 1e9
    ? `${(bytes / 1e9).toFixed(2)} GB`
    : bytes >= 1e6
      ? `${(bytes / 1e6).toFixed(2)} MB`
      : `${bytes} bytes`;

export function registerConvert(program: Command): void {
  program
    .command("convert")
    .description(
      "rewrite a checkpoint as safetensors: a file as a file; a directory as a directory (weights as " +
        "model.safetensors or shards with an index, other files copied, sub-directories with weights converted)",
    )
    .argument("<input>", "checkpoint file (.safetensors, .bin, .pt, .pth) or directory")
    .argument("<output>", "output file, or a new directory for a directory")
    .addOption(
      new Option("--dtype <dtype>", "store float tensors in this dtype").choices(Object.keys(DTYPES)),
    )
    .addOption(
      new Option("--max-shard-size <size>", "shard a directory's weights past this size (e.g. 500MB)")
        .argParser(byteSize)
        .default(DEFAULT_SHARD_BYTES, "5GB"),
    )
    .action((input: string, output: string, o: { dtype?: string; maxShardSize: number }) => {
      const r = convertCheckpoint(input, output, {
        dtype: o.dtype ? DTYPES[o.dtype] : undefined,
        maxShardBytes: o.maxShardSize,
        progress: "auto",
      });
      const files = r.files.length === 1 && r.files[0] === output ? "" : `: ${r.files.join(", ")}`;
      process.stdout.write(`wrote ${r.tensors} tensors (${human(r.bytes)}) to ${output}${files}\n`);
    });
}
