// Instruction-data types for the data-type study (LLaVA-Instruct: conversation, detail, complex_reasoning).
// A sample's type comes from its `type` field, else from its file's name (LLaVA-Instruct-150K ships one file
// per type: conversation_58k.json, detail_23k.json, complex_reasoning_77k.json), else "unknown". The mixed
// llava_instruct_80k/150k files carry no type and their ids are COCO image ids shared across types, so mixed
// files are labelled by looking (id, first question) up in the per-type files with `typeIndex`.
import { basename } from "node:path";
import { Rng } from "../tensor/rng.ts";
import type { LlavaSample } from "./sample.ts";

export const LLAVA_INSTRUCT_TYPES = ["conversation", "detail", "complex_reasoning"] as const;

export function typeFromFileName(path: string): string | null {
  const name = basename(path).toLowerCase();
  return LLAVA_INSTRUCT_TYPES.find((t) => name.startsWith(t)) ?? null;
}

function sampleKey(sample: LlavaSample): string {
  return JSON.stringify([String(sample.id ?? ""), sample.conversations[0]?.value ?? ""]);
}

/** (id, first question) → type, from samples of per-type files. */
export function typeIndex(samplesByType: Iterable<[string, Iterable<LlavaSample>]>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [type, samples] of samplesByType) for (const s of samples) index.set(sampleKey(s), type);
  return index;
}

export function inferDataType(sample: LlavaSample, sourcePath?: string, index?: Map<string, string>): string {
  if (typeof sample.type === "string" && sample.type !== "") return sample.type;
  const fromIndex = index?.get(sampleKey(sample));
  if (fromIndex) return fromIndex;
  return (sourcePath && typeFromFileName(sourcePath)) || "unknown";
}

/** Picks `n` items at random (seeded), kept in their original order. */
export function subsample<T>(items: readonly T[], n: number, seed: number): T[] {
  if (n >= items.length) return [...items];
  const picked = new Rng(seed).shuffle(items.map((_, i) => i)).slice(0, n);
  return picked.sort((a, b) => a - b).map((i) => items[i]);
}

export interface SubsetOptions {
  /** Keep samples of these types only. */
  types?: readonly string[];
  /** Then keep this many at random (seeded). */
  subsample?: number;
  seed?: number;
}

/** The data-type study's subsets: filter by type, then subsample N with a seed. */
export function selectSubset<T extends { type: string }>(items: readonly T[], opts: SubsetOptions): T[] {
  const typed = opts.types?.length ? items.filter((s) => opts.types!.includes(s.type)) : [...items];
  return opts.subsample !== undefined ? subsample(typed, opts.subsample, opts.seed ?? 0) : typed;
}
