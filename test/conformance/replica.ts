// Replicas of published Hugging Face file sets (test/fixtures/replicas/<org>--<name>, made by
// tools/make_replica_fixtures.py) laid out in a temporary directory. The committed files are copied as
// they are; replica.json describes the rest: safetensors shards (the generator's exact header, with the
// data section written here from a seeded stream) and tokenizer.json (a tokenizer this repository ships,
// changed as recorded).
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Rng } from "../../src/tensor/rng.ts";

export const REPLICAS = join(import.meta.dirname, "..", "fixtures", "replicas");
const REPO = join(import.meta.dirname, "..", "..");

/** What `lntune inspect --json` should report, as the generator counted it from the state dicts. */
export interface InspectExpectation {
  parameters: Record<string, number>;
  dtypes: Record<string, number>;
}

interface SafetensorsRecipe {
  header: string;
  dataBytes: number;
}

interface TokenizerRecipe {
  base: string;
  set: Record<string, unknown>;
}

interface ReplicaJson {
  generated: Record<string, SafetensorsRecipe | TokenizerRecipe>;
  expected: InspectExpectation;
}

export function readReplica(folder: string): ReplicaJson {
  return JSON.parse(readFileSync(join(REPLICAS, folder, "replica.json"), "utf8"));
}

export function readConfig(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
}

/** A string's FNV-1a hash: a per-tensor seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Bits of a value with at most 8 significant bits (exact in both half formats). */
function halfBits(v: number, dtype: "F16" | "BF16"): number {
  if (dtype === "BF16") {
    f32[0] = v;
    return u32[0] >>> 16;
  }
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | ((a / 2 ** e - 1) * 1024);
}

/** Norm weights near 1, everything else small: k/64 around 1 or k/256, exact in F16 and BF16. */
function weightValue(rng: Rng, name: string): number {
  const norm = /norm[^.]*\.weight$/.test(name) || /layer_norm\d?\.weight$/.test(name);
  return norm ? 1 + (rng.int(13) - 6) / 64 : (rng.int(33) - 16) / 256;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The data section of a shard: every tensor from its own seeded stream; inv_freq buffers as RoPE defines
 * them (theta from the config); position_ids as arange. */
function shardData(header: Record<string, HeaderEntry>, size: number, config: Record<string, unknown>) {
  const data = Buffer.alloc(size);
  const theta = Number(config.rope_theta ?? 10000);
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [begin, end] = t.data_offsets;
    const n = t.shape.reduce((a, b) => a * b, 1);
    const bytes = { F16: 2, BF16: 2, F32: 4, I64: 8 }[t.dtype];
    if (bytes === undefined || end - begin !== n * bytes)
      throw new Error(`${name}: ${t.dtype} [${t.shape}] does not fill [${begin}, ${end})`);
    const rng = new Rng(hash(name));
    for (let i = 0; i < n; i++) {
      if (t.dtype === "F16" || t.dtype === "BF16")
        data.writeUInt16LE(halfBits(weightValue(rng, name), t.dtype), begin + 2 * i);
      else if (t.dtype === "F32" && name.endsWith("rotary_emb.inv_freq"))
        data.writeFloatLE(1 / theta ** ((2 * i) / (2 * n)), begin + 4 * i);
      else if (t.dtype === "F32") data.writeFloatLE(weightValue(rng, name), begin + 4 * i);
      else data.writeBigInt64LE(BigInt(i), begin + 8 * i);
    }
  }
  return data;
}

function writeShard(path: string, recipe: SafetensorsRecipe, config: Record<string, unknown>): void {
  const header = Buffer.from(recipe.header, "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  const data = shardData(JSON.parse(recipe.header), recipe.dataBytes, config);
  writeFileSync(path, Buffer.concat([length, header, data]));
}

function writeTokenizer(path: string, recipe: TokenizerRecipe): void {
  const bytes = readFileSync(join(REPO, recipe.base));
  const json = JSON.parse((recipe.base.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
  Object.assign(json, recipe.set);
  writeFileSync(path, JSON.stringify(json));
}

/** The replica as its published file set, in `into`/<folder>; returns that directory. */
export function materialize(folder: string, into: string): string {
  const dir = join(into, folder);
  const src = join(REPLICAS, folder);
  cpSync(src, dir, {
    recursive: true,
    filter: (from) => !["README.md", "replica.json"].includes(from.slice(src.length + 1)),
  });
  const config = readConfig(dir);
  const text = (config.text_config ?? config) as Record<string, unknown>;
  for (const [file, recipe] of Object.entries(readReplica(folder).generated)) {
    if ("header" in recipe) writeShard(join(dir, file), recipe, text);
    else writeTokenizer(join(dir, file), recipe);
  }
  return dir;
}

/** Files of a directory, sorted (for assertions on what a command wrote). */
export const filesOf = (dir: string) => readdirSync(dir).sort();
