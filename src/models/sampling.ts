// Next-token choice from one row of logits: greedy, or sampling with temperature, top-k and top-p applied
// in Hugging Face's order (temperature → top-k → top-p).
import type { Rng } from "../tensor/rng.ts";

export interface SamplingOptions {
  /** 0 = greedy (argmax). */
  temperature?: number;
  /** Keep the k most likely tokens (0 = off). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches topP (1 = off). */
  topP?: number;
}

export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

export function pickToken(logits: Float32Array, opts: SamplingOptions, rng: Rng): number {
  const temperature = opts.temperature ?? 0;
  if (temperature <= 0) return argmax(logits);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
  let keep = opts.topK && opts.topK > 0 ? Math.min(opts.topK, order.length) : order.length;
  const max = logits[order[0]] / temperature;
  const weights = order.slice(0, keep).map((i) => Math.exp(logits[i] / temperature - max));
  let total = weights.reduce((s, w) => s + w, 0);
  const topP = opts.topP ?? 1;
  if (topP < 1) {
    // HF drops the tokens whose ascending cumulative probability is ≤ 1 − topP; the top token always stays.
    let cum = 0;
    let n = 0;
    while (n < keep) {
      cum += weights[n] / total;
      n++;
      if (cum >= topP) break;
    }
    keep = n;
    total = weights.slice(0, keep).reduce((s, w) => s + w, 0);
  }
  let u = rng.uniform() * total;
  for (let i = 0; i < keep; i++) {
    u -= weights[i];
    if (u < 0) return order[i];
  }
  return order[keep - 1];
}
