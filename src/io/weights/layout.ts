// Tensor names on disk versus the canonical names used inside lntune. A layout is one naming scheme of
// checkpoints (plain LLaMA-style, CLIP, SigLIP, llava-hf, original LLaVA); each model family declares its own
// (src/models/families). Canonical names are the parameter names of the modules, which are HF's names of the
// standalone models: model.*, lm_head.* for an LLM, vision_model.* for a tower, projector.linear_{k}.* for
// LLaVA's connector.

/** A disk name read as: a canonical weight, something deliberately ignored, or unknown. */
export type NameMapping = { kind: "weight"; name: string } | { kind: "skip" } | { kind: "unknown" };

export interface WeightLayout {
  /** What `lntune inspect` reports: "llama", "clip", "siglip", "llava-hf", "llava". */
  readonly name: string;
  toCanonical(diskName: string): NameMapping;
  /** The name a canonical weight is written under; throws for a weight this layout has no name for. */
  toDiskName(canonical: string): string;
}

export const weight = (name: string): NameMapping => ({ kind: "weight", name });
export const SKIP: NameMapping = { kind: "skip" };
export const UNKNOWN: NameMapping = { kind: "unknown" };

/** Buffers some exporters save that are not parameters (RoPE frequencies, position ids). */
export function isBuffer(name: string): boolean {
  return name.endsWith(".rotary_emb.inv_freq") || name.endsWith("position_ids");
}

/** Rewrites the first matching prefix of `name`; null when none matches. */
export function rewrite(name: string, rules: ReadonlyArray<readonly [string, string]>): string | null {
  for (const [from, to] of rules) if (name.startsWith(from)) return to + name.slice(from.length);
  return null;
}

export function noDiskName(layout: string, canonical: string): Error {
  return new Error(`weight "${canonical}" has no name in the ${layout} layout`);
}

/** A layout whose disk names are the canonical names under the given prefixes, skipping buffers and the
 * tensors of `skipped` prefixes (e.g. a CLIP checkpoint's text tower). */
export function prefixLayout(
  name: string,
  prefixes: readonly string[],
  skipped: readonly string[] = [],
): WeightLayout {
  const owns = (n: string) => prefixes.some((p) => n.startsWith(p));
  return {
    name,
    toCanonical: (disk) => {
      if (isBuffer(disk) || skipped.some((p) => disk.startsWith(p))) return SKIP;
      return owns(disk) ? weight(disk) : UNKNOWN;
    },
    toDiskName: (canonical) => {
      if (!owns(canonical)) throw noDiskName(name, canonical);
      return canonical;
    },
  };
}
