// A checkpoint directory seen as one name → tensor map, whether it holds a single model.safetensors,
// a model.safetensors.index.json with its shards, PyTorch's pytorch_model.bin or its sharded
// pytorch_model.bin.index.json, or just some *.safetensors files.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { TensorMeta, TensorSource } from "./safetensors.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import { openWeightsFile, type WeightsFile } from "./weights_file.ts";

export const SINGLE_FILE = "model.safetensors";
export const INDEX_FILE = "model.safetensors.index.json";
export const TORCH_SINGLE_FILE = "pytorch_model.bin";
export const TORCH_INDEX_FILE = "pytorch_model.bin.index.json";

export interface Checkpoint extends TensorSource {
  readonly dir: string;
  /** The weight files opened, in the order they were read. */
  readonly files: readonly string[];
  /** The index's "metadata" for a sharded checkpoint, otherwise the merged __metadata__ of the files. */
  readonly metadata: Record<string, unknown>;
}

/** What a directory is searched for, in order, and whether it is an index of shards. */
const SEARCHED = [
  [SINGLE_FILE, false],
  [INDEX_FILE, true],
  [TORCH_SINGLE_FILE, false],
  [TORCH_INDEX_FILE, true],
] as const;

/** Whether the directory `dir` holds weights under a name transformers looks for (loose *.safetensors
 * files, e.g. an adapter's, do not count). */
export function hasCheckpoint(dir: string): boolean {
  return SEARCHED.some(([name]) => existsSync(join(dir, name)));
}

/** Opens `path`: a checkpoint directory or a single weights file (.safetensors, or a torch .bin/.pt/.pth).
 * A directory is searched as transformers does: model.safetensors, its index, pytorch_model.bin, its
 * index, the first found wins (so safetensors are preferred); without any, every *.safetensors file in it
 * is merged. */
export function openCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new SafetensorsError("not_found", path, null, "no such file or directory");
  if (!statSync(path).isDirectory()) return fromFiles(path, [path]);
  for (const [name, sharded] of SEARCHED) {
    const file = join(path, name);
    if (existsSync(file)) return sharded ? fromIndex(path, file) : fromFiles(path, [file]);
  }
  const files = readdirSync(path)
    .filter((f) => f.endsWith(".safetensors"))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) {
    throw new SafetensorsError(
      "not_found",
      path,
      null,
      `no ${SINGLE_FILE}, ${INDEX_FILE}, ${TORCH_SINGLE_FILE}, ${TORCH_INDEX_FILE} or *.safetensors file`,
    );
  }
  return fromFiles(path, files);
}

function openAll(paths: string[]): WeightsFile[] {
  const opened: WeightsFile[] = [];
  try {
    for (const p of paths) opened.push(openWeightsFile(p));
  } catch (e) {
    for (const f of opened) f.close();
    throw e;
  }
  return opened;
}

function fromFiles(dir: string, paths: string[]): Checkpoint {
  const files = openAll(paths);
  const where = new Map<string, WeightsFile>();
  const metadata: Record<string, unknown> = {};
  for (const f of files) {
    Object.assign(metadata, f.metadata ?? {});
    for (const name of f.names()) {
      const other = where.get(name);
      if (other) {
        for (const g of files) g.close();
        throw new SafetensorsError("duplicate", f.path, name, `also present in ${other.path}`);
      }
      where.set(name, f);
    }
  }
  return makeCheckpoint(dir, files, where, metadata);
}

function fromIndex(dir: string, indexPath: string): Checkpoint {
  const fail = (detail: string, tensor: string | null = null) =>
    new SafetensorsError("index", indexPath, tensor, detail);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(indexPath, "utf8"));
  } catch (e) {
    throw fail(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw fail("not a JSON object");
  const { metadata = {}, weight_map: weightMap } = json as Record<string, unknown>;
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw fail('"metadata" is not an object');
  }
  if (typeof weightMap !== "object" || weightMap === null || Array.isArray(weightMap)) {
    throw fail('"weight_map" is missing or not an object');
  }
  const shardNames = new Set<string>();
  for (const [name, shard] of Object.entries(weightMap)) {
    // Shards must sit beside the index; a path could point anywhere on disk.
    if (typeof shard !== "string" || shard !== basename(shard) || shard === "." || shard === "..") {
      throw fail(`shard ${JSON.stringify(shard)} is not a file name`, name);
    }
    if (!existsSync(join(dir, shard))) throw fail(`shard "${shard}" does not exist`, name);
    shardNames.add(shard);
  }
  const shards = [...shardNames].sort();
  const files = openAll(shards.map((s) => join(dir, s)));
  const byShard = new Map(shards.map((s, i) => [s, files[i]]));
  const where = new Map<string, WeightsFile>();
  const missing: string[] = [];
  for (const [name, shard] of Object.entries(weightMap as Record<string, string>)) {
    const f = byShard.get(shard)!;
    if (f.has(name)) where.set(name, f);
    else missing.push(`"${name}" (${shard})`);
  }
  if (missing.length > 0) {
    for (const f of files) f.close();
    const shown =
      missing.slice(0, 10).join(", ") + (missing.length > 10 ? `, and ${missing.length - 10} more` : "");
    throw fail(`${missing.length} mapped tensor(s) missing from their shard: ${shown}`);
  }
  // The index is authoritative: tensors a shard holds but the map omits are not part of the model.
  return makeCheckpoint(dir, files, where, metadata as Record<string, unknown>);
}

function makeCheckpoint(
  dir: string,
  files: WeightsFile[],
  where: Map<string, WeightsFile>,
  metadata: Record<string, unknown>,
): Checkpoint {
  const fileOf = (name: string): WeightsFile => {
    const f = where.get(name);
    if (!f) throw new SafetensorsError("not_found", dir, name, "no such tensor in the checkpoint");
    return f;
  };
  return {
    dir,
    files: files.map((f) => f.path),
    metadata,
    names: () => [...where.keys()].sort(),
    has: (name) => where.has(name),
    info: (name): TensorMeta => fileOf(name).info(name),
    read: (name) => fileOf(name).read(name),
    close() {
      for (const f of files) f.close();
    },
  };
}
