// Rotary embedding tables for HF LLaMA: inverse frequencies (with linear, dynamic-NTK and llama3
// scaling) and per-token cos/sin rows from position ids. Angles are formed in f32 as HF does.
import type { LlamaConfig } from "../../io/config/llama_config.ts";

export function inverseFrequencies(cfg: LlamaConfig, seqLen: number): Float32Array {
  const d = cfg.head_dim;
  const s = cfg.rope_scaling;
  let base = cfg.rope_theta;
  // Dynamic NTK: beyond the trained length the base grows with the sequence (HF dynamic_rope_update).
  if (s?.rope_type === "dynamic" && seqLen > cfg.max_position_embeddings)
    base *= ((s.factor * seqLen) / cfg.max_position_embeddings - (s.factor - 1)) ** (d / (d - 2));
  const inv = new Float32Array(d / 2);
  for (let i = 0; i < d / 2; i++) inv[i] = 1 / base ** ((2 * i) / d);
  if (s?.rope_type === "linear") for (let i = 0; i < inv.length; i++) inv[i] /= s.factor;
  if (s?.rope_type === "llama3") {
    const old = s.original_max_position_embeddings;
    const lowWavelen = old / s.low_freq_factor;
    const highWavelen = old / s.high_freq_factor;
    for (let i = 0; i < inv.length; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > lowWavelen) inv[i] /= s.factor;
      else if (wavelen >= highWavelen) {
        const smooth = (old / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
        inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
      }
    }
  }
  return inv;
}

/** cos/sin [N, D/2] for N position ids. */
export function rotaryTables(
  cfg: LlamaConfig,
  positions: Int32Array,
): { cos: Float32Array; sin: Float32Array } {
  let maxPos = 0;
  for (const p of positions) if (p > maxPos) maxPos = p;
  const inv = inverseFrequencies(cfg, maxPos + 1);
  const half = inv.length;
  const cos = new Float32Array(positions.length * half);
  const sin = new Float32Array(positions.length * half);
  for (let n = 0; n < positions.length; n++)
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(positions[n] * inv[i]);
      cos[n * half + i] = Math.cos(angle);
      sin[n * half + i] = Math.sin(angle);
    }
  return { cos, sin };
}
