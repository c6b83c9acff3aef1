// Converting a checkpoint (safetensors or torch .bin/.pt/.pth, one file or a directory) to safetensors,
// optionally changing its float dtype. A file becomes one file; a directory becomes a directory with the
// weights as model.safetensors (or shards and an index when large), its other files copied and its
// sub-directories holding weights (the original LLaVA layout's tower) converted the same way. Tensors are
// read and written one at a time; the output appears only when complete.

import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { writeFileAtomic } from "./atomic_write.ts";
import { castFloat, type FloatDtype, isFloatDtype } from "./cast_dtype.ts";
import { type Checkpoint, hasCheckpoint, openCheckpoint } from "./checkpoint.ts";
import { copyCheckpointExtras } from "./checkpoint_extras.ts";
import { dtypeBytes } from "./dtype.ts";
import { createProgress } from "./progress.ts";
import { writeShardedSafetensors } from "./safetensors_shards.ts";
import { type TensorEntry, writeSafetensorsStreamed } from "./safetensors_write.ts";

export interface ConvertOptions {
  /** Float tensors are narrowed or widened to this dtype; integer and bool tensors are kept. */
  dtype?: FloatDtype;
  /** Shard size of a directory's output (default: transformers' 5 GB). */
  maxShardBytes?: number;
  /** A bar over each checkpoint's MiB as its tensors are written ("quiet": none, the default). */
  progress?: "auto" | "quiet";
}

export interface ConvertResult {
  /** Weight files written, relative to the output. */
  files: string[];
  tensors: number;
  bytes: number;
}

/** config.json's torch_dtype for each dtype. */
const TORCH_DTYPE: Record<FloatDtype, string> = { F32: "float32", F16: "float16", BF16: "bfloat16" };

export function convertCheckpoint(input: string, output: string, opts: ConvertOptions = {}): ConvertResult {
  if (!existsSync(input)) throw new Error(`${input}: no such file or directory`);
  if (resolve(input) === resolve(output)) throw new Error(`${output}: the output must differ from the input`);
  if (!statSync(input).isDirectory()) {
    if (existsSync(output) && statSync(output).isDirectory())
      throw new Error(`${output}: is a directory; a file converts to a file (give its path)`);
    mkdirSync(dirname(resolve(output)), { recursive: true });
    return convertWeights(input, opts, (entries, read) => {
      writeSafetensorsStreamed(output, entries, read, { format: "pt" });
      return [output];
    });
  }
  if (existsSync(output) && (!statSync(output).isDirectory() || readdirSync(output).length > 0))
    throw new Error(`${output}: already exists; give a new (or empty) directory`);
  const inside = relative(resolve(input), resolve(output));
  if (!inside.startsWith("..") && !isAbsolute(inside))
    throw new Error(`${output}: lies inside the input directory ${input}; give a directory outside it`);
  mkdirSync(dirname(resolve(output)), { recursive: true });
  const tmp = `${resolve(output)}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  mkdirSync(tmp);
  try {
    const result = convertDirectory(input, tmp, opts, "");
    if (existsSync(output)) rmSync(output, { recursive: true });
    renameSync(tmp, output);
    return result;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Opens the checkpoint at `path`, lists its tensors with their output dtype, and lets `write` write them
 * with `read`, which converts one tensor (it returns the files written). */
function convertWeights(
  path: string,
  opts: ConvertOptions,
  write: (entries: TensorEntry[], read: (name: string) => ReturnType<Checkpoint["read"]>) => string[],
): ConvertResult {
  const ckpt = openCheckpoint(path);
  try {
    const entries = ckpt.names().map((name) => {
      const { dtype, shape } = ckpt.info(name);
      return { name, shape, dtype: opts.dtype && isFloatDtype(dtype) ? opts.dtype : dtype };
    });
    const sizes = new Map(
      entries.map((e) => [e.name, e.shape.reduce((a, b) => a * b, 1) * dtypeBytes(e.dtype)]),
    );
    const bytes = [...sizes.values()].reduce((s, n) => s + n, 0);
    const MiB = 2 ** 20;
    const progress = createProgress(
      `convert ${basename(path)} (MiB)`,
      Math.ceil(bytes / MiB),
      0,
      opts.progress ?? "quiet",
    );
    let done = 0;
    const read = (name: string) => {
      const t = ckpt.read(name);
      done += sizes.get(name) ?? 0;
      progress.update(Math.ceil(done / MiB), {});
      return opts.dtype ? castFloat(t, opts.dtype) : t;
    };
    try {
      return { files: write(entries, read), tensors: entries.length, bytes };
    } finally {
      progress.stop();
    }
  } finally {
    ckpt.close();
  }
}

/** Converts the checkpoint directory `from` into the existing directory `to`; `rel` is `to`'s path within
 * the output, for the file list. */
function convertDirectory(from: string, to: string, opts: ConvertOptions, rel: string): ConvertResult {
  const result = convertWeights(from, opts, (entries, read) =>
    writeShardedSafetensors(to, entries, read, opts.maxShardBytes).map((f) => join(rel, f)),
  );
  copyCheckpointExtras(from, to, (subFrom, subTo) => {
    if (!hasCheckpoint(subFrom)) return cpSync(subFrom, subTo, { recursive: true });
    mkdirSync(subTo);
    const sub = convertDirectory(subFrom, subTo, opts, join(rel, basename(subTo)));
    result.files.push(...sub.files);
    result.tensors += sub.tensors;
    result.bytes += sub.bytes;
  });
  if (opts.dtype) updateTorchDtype(join(to, "config.json"), TORCH_DTYPE[opts.dtype]);
  return result;
}

/** The config's torch_dtype (the dtype transformers loads with "auto") follows the weights. */
function updateTorchDtype(configPath: string, torchDtype: string): void {
  if (!existsSync(configPath)) return;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(configPath, "utf8"));
  } catch {
    return; // Copied as it was; reading it is the loaders' business.
  }
  if (typeof config !== "object" || config === null || !("torch_dtype" in config)) return;
  writeFileAtomic(configPath, `${JSON.stringify({ ...config, torch_dtype: torchDtype }, null, 2)}\n`);
}
