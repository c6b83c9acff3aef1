// Matching a checkpoint's tensors to the canonical weights a model expects.

import type { TensorInfo } from "../safetensors_header.ts";
import type { WeightLayout } from "./layout.ts";

/** A canonical weight a model has, with its shape (nn.Linear weights are [out, in]). */
export interface ExpectedWeight {
  name: string;
  shape: number[];
  /** An optional weight is placed when present and not missed when absent. */
  optional?: boolean;
}

export interface ShapeMismatch {
  name: string;
  diskName: string;
  expected: number[];
  actual: number[];
}

export interface WeightPlacement {
  /** The layout's name. */
  layout: string;
  /** Canonical name → name in the checkpoint. */
  map: Map<string, string>;
  /** Required canonical weights the checkpoint lacks. */
  missing: string[];
  mismatched: ShapeMismatch[];
  /** Checkpoint tensors that are no expected weight (shown by `lntune inspect`). */
  unplaced: string[];
  /** Checkpoint tensors ignored on purpose: stray buffers, CLIP's text tower and projections. */
  skipped: string[];
}

/** What placement needs of a checkpoint (a TensorSource fits). */
export interface NamedShapes {
  names(): string[];
  info(name: string): Pick<TensorInfo, "shape">;
}

const MAX_LISTED = 40;

export class WeightMapError extends Error {
  constructor(
    readonly source: string,
    readonly placement: WeightPlacement,
  ) {
    // A config far off its checkpoint (thousands of layers) would otherwise make a message of millions of lines.
    const missing = placement.missing.slice(0, MAX_LISTED).map((n) => `  missing: ${n}`);
    const shapes = placement.mismatched
      .slice(0, MAX_LISTED - missing.length)
      .map((m) => `  shape: ${m.name} (${m.diskName}) is [${m.actual}], expected [${m.expected}]`);
    const count = placement.missing.length + placement.mismatched.length;
    const lines = [...missing, ...shapes];
    if (count > lines.length) lines.push(`  … and ${count - lines.length} more`);
    super(`${source}: ${count} problem(s) with the ${placement.layout} weights:\n${lines.join("\n")}`);
    this.name = "WeightMapError";
  }
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Places every tensor of `source`; reports rather than throws (except for an ambiguous checkpoint,
 * where two tensors claim the same weight). `source` names the checkpoint in messages. */
export function placeWeights(
  ckpt: NamedShapes,
  layout: WeightLayout,
  expected: readonly ExpectedWeight[],
  source: string,
): WeightPlacement {
  const byName = new Map(expected.map((w) => [w.name, w]));
  const p: WeightPlacement = {
    layout: layout.name,
    map: new Map(),
    missing: [],
    mismatched: [],
    unplaced: [],
    skipped: [],
  };
  for (const diskName of ckpt.names()) {
    const m = layout.toCanonical(diskName);
    if (m.kind === "skip") {
      p.skipped.push(diskName);
      continue;
    }
    const want = m.kind === "weight" ? byName.get(m.name) : undefined;
    if (!want) {
      p.unplaced.push(diskName);
      continue;
    }
    const other = p.map.get(want.name);
    if (other !== undefined) {
      throw new Error(`${source}: tensors "${other}" and "${diskName}" both hold weight "${want.name}"`);
    }
    p.map.set(want.name, diskName);
    const actual = ckpt.info(diskName).shape;
    if (!sameShape(actual, want.shape)) {
      p.mismatched.push({ name: want.name, diskName, expected: want.shape, actual: [...actual] });
    }
  }
  for (const w of expected) if (!w.optional && !p.map.has(w.name)) p.missing.push(w.name);
  return p;
}

/** placeWeights, then one WeightMapError listing every missing or misshapen weight, if any. */
export function requireWeights(
  ckpt: NamedShapes,
  layout: WeightLayout,
  expected: readonly ExpectedWeight[],
  source: string,
): WeightPlacement {
  const p = placeWeights(ckpt, layout, expected, source);
  if (p.missing.length > 0 || p.mismatched.length > 0) throw new WeightMapError(source, p);
  return p;
}
