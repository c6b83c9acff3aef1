// RoPE settings of a LLaMA-family config. Older configs carry `rope_theta` plus an optional
// `rope_scaling` object whose kind sits under "type" or "rope_type"; transformers v5 folds both into
// `rope_parameters` ({"rope_type": "default", "rope_theta": ...}). Both read to the same result.

import type { Fields } from "./fields.ts";

export type RopeScaling =
  | { rope_type: "linear"; factor: number }
  | { rope_type: "dynamic"; factor: number }
  | {
      rope_type: "llama3";
      factor: number;
      low_freq_factor: number;
      high_freq_factor: number;
      original_max_position_embeddings: number;
    };

export interface RopeConfig {
  rope_theta: number;
  /** null: plain RoPE ("default"). */
  rope_scaling: RopeScaling | null;
}

const ROPE_TYPES = ["default", "linear", "dynamic", "llama3"] as const;

function positive(f: Fields, name: string): number {
  if (!f.has(name)) throw f.fail(name, "missing");
  const v = f.num(name, 0);
  if (v <= 0) throw f.fail(name, `must be positive, got ${v}`);
  return v;
}

function parseScaling(s: Fields): RopeScaling | null {
  const key = s.has("rope_type") ? "rope_type" : "type";
  if (!s.has(key)) throw s.fail("rope_type", 'missing (neither "rope_type" nor "type" given)');
  const kind = s.oneOf(key, ROPE_TYPES, "default");
  switch (kind) {
    case "default":
      return null;
    case "linear":
    case "dynamic":
      return { rope_type: kind, factor: positive(s, "factor") };
    case "llama3": {
      const low = positive(s, "low_freq_factor");
      const high = positive(s, "high_freq_factor");
      if (high <= low) throw s.fail("high_freq_factor", `must exceed low_freq_factor (${low}), got ${high}`);
      if (!s.has("original_max_position_embeddings"))
        throw s.fail("original_max_position_embeddings", "missing");
      const original = s.posInt("original_max_position_embeddings", 0);
      return {
        rope_type: kind,
        factor: positive(s, "factor"),
        low_freq_factor: low,
        high_freq_factor: high,
        original_max_position_embeddings: original,
      };
    }
  }
}

export function parseRopeConfig(f: Fields): RopeConfig {
  const params = f.optObject("rope_parameters");
  if (params) {
    const theta = params.has("rope_theta") ? positive(params, "rope_theta") : f.num("rope_theta", 10000);
    const withType = params.has("rope_type") || params.has("type");
    return { rope_theta: theta, rope_scaling: withType ? parseScaling(params) : null };
  }
  const scaling = f.optObject("rope_scaling");
  const theta = f.num("rope_theta", 10000);
  if (theta <= 0) throw f.fail("rope_theta", `must be positive, got ${theta}`);
  return { rope_theta: theta, rope_scaling: scaling ? parseScaling(scaling) : null };
}
