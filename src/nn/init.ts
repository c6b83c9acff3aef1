// Parameter initialisers (HF: Linear/Embedding weights ~ N(0, 0.02); PEFT LoRA A ~ kaiming-uniform).
import type { Rng } from "../tensor/rng.ts";
import { Parameter } from "./module.ts";

// A null rng gives a placeholder to be filled from a checkpoint, so loading a large model never
// allocates (or randomly fills) weights it is about to replace.

export function normalParam(shape: number[], rng: Rng | null, std = 0.02): Parameter {
  const n = shape.reduce((p, d) => p * d, 1);
  if (!rng) return new Parameter(new Float32Array(0), shape);
  return new Parameter(rng.fillNormal(new Float32Array(n), 0, std), shape);
}

/** A constant-filled parameter, or with `placeholder` an empty one of that shape (see above). */
export function constParam(shape: number[], value: number, placeholder = false): Parameter {
  if (placeholder) return new Parameter(new Float32Array(0), shape);
  const n = shape.reduce((p, d) => p * d, 1);
  return new Parameter(new Float32Array(n).fill(value), shape);
}

/** nn.Linear's default init (kaiming_uniform with a = √5): U(−1/√fanIn, 1/√fanIn). */
export function kaimingUniformParam(shape: [number, number], rng: Rng): Parameter {
  const bound = 1 / Math.sqrt(shape[1]);
  return new Parameter(rng.fillUniform(new Float32Array(shape[0] * shape[1]), -bound, bound), shape);
}
