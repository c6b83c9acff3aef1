// A checkpoint directory seen as one name → tensor map, whether it holds a single model.safetensors,
// a model.safetensors.index.json with its shards, or just some *.safetensors files.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { openSafetensors, type SafetensorsFile, type TensorInfo, type TensorSource } from "./safetensors.ts";
import { SafetensorsError } from "./safetensors_error.ts";

export const SINGLE_FILE = "model.safetensors";
export const INDEX_FILE = "model.safetensors.index.json";

export interface Checkpoint extends TensorSource {
  readonly dir: string;
  /** The safetensors files opened, in the order they were read. */
  readonly files: readonly string[];
  /** The index's "metadata" for a sharded checkpoint, otherwise the merged __metadata__ of the files. */
  readonly metadata: Record<string, unknown>;
}

/** Opens `path`: a checkpoint directory or a single .safetensors file. Like transformers, a directory's
 * model.safetensors wins over an index; without either, every *.safetensors file in it is merged. */
export function openCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new SafetensorsError("not_found", path, null, "no such file or directory");
  if (!statSync(path).isDirectory()) return fromFiles(path, [path]);
  if (existsSync(join(path, SINGLE_FILE))) return fromFiles(path, [join(path, SINGLE_FILE)]);
  if (existsSync(join(path, INDEX_FILE))) return fromIndex(path, join(path, INDEX_FILE));
  const files = readdirSync(path)
    .filter((f) => f.endsWith(".safetensors"))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) {
    throw new SafetensorsError(
      "not_found",
      path,
      null,
      `no ${SINGLE_FILE}, ${INDEX_FILE} or *.safetensors file`,
    );
  }
  return fromFiles(path, files);
}

function openAll(paths: string[]): SafetensorsFile[] {
  const opened: SafetensorsFile[] = [];
  try {
    for (const p of paths) opened.push(openSafetensors(p));
  } catch (e) {
    for (const f of opened) f.close();
    throw e;
  }
  return opened;
}

function fromFiles(dir: string, paths: string[]): Checkpoint {
  const files = openAll(paths);
  const where = new Map<string, SafetensorsFile>();
  const metadata: Record<string, unknown> = {};
  for (const f of files) {
    Object.assign(metadata, f.metadata ?? {});
    for (const t of f.tensors) {
      const other = where.get(t.name);
      if (other) {
        for (const g of files) g.close();
        throw new SafetensorsError("duplicate", f.path, t.name, `also present in ${other.path}`);
      }
      where.set(t.name, f);
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
  const where = new Map<string, SafetensorsFile>();
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
  files: SafetensorsFile[],
  where: Map<string, SafetensorsFile>,
  metadata: Record<string, unknown>,
): Checkpoint {
  const fileOf = (name: string): SafetensorsFile => {
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
    info: (name): TensorInfo => fileOf(name).info(name),
    read: (name) => fileOf(name).read(name),
    close() {
      for (const f of files) f.close();
    },
  };
}
