// The base checkpoint of a finetune run that joins an LLM, a vision tower and a connector (--llm --vision): the
// joined LLaVA exists nowhere on disk, and its adapter needs one to apply to. It is written once per set of
// inputs and every run of that stage refers to it (the adapter's base_model_name_or_path), instead of each run
// holding a copy (14 GB at 7B). Its directory is named by a hash of the inputs (the LLM's, tower's and
// tokenizer's files by path, size and modification time; the connector by content, or the seed that draws a
// fresh one; the projector type and length limit), next to the stage-1 connector it came from, else beside the
// run directory. It is written into a private temporary directory and renamed into place, so runs writing it at
// the same time cannot mix their files: the first rename wins, the others discard theirs. A reused base is
// checked against its manifest (the same inputs, every file there with its recorded size).
import { createHash, randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { processAlive, writeFileAtomic } from "../io/atomic_write.ts";
import { sha256File } from "../io/file_hash.ts";
import type { LlavaForConditionalGeneration } from "../models/llava/model.ts";
import { copyTokenizerFiles, saveLlava } from "../models/save.ts";

/** What the joined model is made of. */
export interface BaseInputs {
  llm: string;
  vision: string;
  tokenizer: string;
  projector: "linear" | "mlp2x_gelu";
  /** The stage-1 connector file, or none: a fresh connector drawn from `seed`. */
  connector?: string;
  seed: number;
  maxLength: number | null;
}

const MANIFEST = "lntune_base.json";

/** A directory's files (recursively) by relative path, size and modification time. */
function fingerprint(dir: string): unknown {
  const root = realpathSync(dir);
  const files: Array<[string, number, number]> = [];
  const walk = (sub: string) => {
    for (const e of readdirSync(join(root, sub), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const rel = join(sub, e.name);
      if (e.isDirectory()) walk(rel);
      else {
        const s = statSync(join(root, rel));
        files.push([rel, s.size, s.mtimeMs]);
      }
    }
  };
  walk("");
  return { path: root, files };
}

function describeInputs(i: BaseInputs): Record<string, unknown> {
  return {
    llm: fingerprint(i.llm),
    vision: fingerprint(i.vision),
    tokenizer: fingerprint(i.tokenizer),
    projector: i.projector,
    connector: i.connector ? { sha256: sha256File(i.connector) } : { fresh: true, seed: i.seed },
    maxLength: i.maxLength,
  };
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The base's directory for these inputs (absolute), and the description its manifest records. */
export function sharedBasePath(
  inputs: BaseInputs,
  runDir: string,
): { dir: string; described: Record<string, unknown> } {
  const described = describeInputs(inputs);
  const key = createHash("sha256").update(JSON.stringify(described)).digest("hex").slice(0, 16);
  const connectorDir = inputs.connector ? dirname(resolve(inputs.connector)) : null;
  const home = connectorDir && writable(connectorDir) ? connectorDir : dirname(resolve(runDir));
  return { dir: join(home, `llava-base-${key}`), described };
}

/** Checks a base found on disk: its manifest records these inputs and every file at its size. */
function checkBase(dir: string, described: Record<string, unknown>): void {
  const fail = (why: string): never => {
    throw new Error(`${dir}: ${why}; delete the directory to have it written again`);
  };
  let manifest: { inputs?: unknown; files?: Record<string, number> };
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"));
  } catch (e) {
    manifest = fail(`not a base lntune wrote (${MANIFEST}: ${(e as Error).message})`);
  }
  if (JSON.stringify(manifest.inputs) !== JSON.stringify(described))
    fail(`${MANIFEST} records other inputs than this run's`);
  for (const [file, size] of Object.entries(manifest.files ?? {})) {
    const path = join(dir, file);
    if (!existsSync(path)) fail(`${file} is missing`);
    if (statSync(path).size !== size) fail(`${file} has ${statSync(path).size} bytes, not ${size}`);
  }
}

/** Sizes of every file under `dir`, by relative path. */
function fileSizes(dir: string, sub = ""): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = join(sub, e.name);
    if (e.isDirectory()) Object.assign(out, fileSizes(dir, rel));
    else out[rel] = statSync(join(dir, rel)).size;
  }
  return out;
}

/** Writes the model as the base for these inputs unless a run wrote it before; returns its directory and
 * whether this call wrote it. */
export function ensureSharedBase(
  model: LlavaForConditionalGeneration,
  inputs: BaseInputs,
  runDir: string,
): { dir: string; written: boolean } {
  const { dir, described } = sharedBasePath(inputs, runDir);
  // Temporary directories of writers that died.
  const prefix = `${dir.slice(dirname(dir).length + 1)}.tmp-`;
  for (const name of existsSync(dirname(dir)) ? readdirSync(dirname(dir)) : []) {
    const m = name.startsWith(prefix) ? /^(\d+)-/.exec(name.slice(prefix.length)) : null;
    if (m && !processAlive(Number(m[1]))) rmSync(join(dirname(dir), name), { recursive: true, force: true });
  }
  if (existsSync(dir)) {
    checkBase(dir, described);
    return { dir, written: false };
  }
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    saveLlava(tmp, model);
    copyTokenizerFiles(inputs.tokenizer, tmp);
    const files = fileSizes(tmp);
    writeFileAtomic(join(tmp, MANIFEST), `${JSON.stringify({ inputs: described, files }, null, 2)}\n`);
    renameSync(tmp, dir);
    return { dir, written: true };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    // Another run renamed its copy into place first: use that one.
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === "ENOTEMPTY" || code === "EEXIST") && existsSync(dir)) {
      checkBase(dir, described);
      return { dir, written: false };
    }
    throw e;
  }
}
