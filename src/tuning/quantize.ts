// Quantised frozen weights (--quantize int8|nf4), as QLoRA does for its base model: the frozen weights of the
// language model's attention and MLP projections (the modules LoRA wraps, found from the family's parts) are
// stored block-quantised from load on: int8 with one scale per output channel (a row of [out, in]), nf4 with
// QLoRA's absmax per block of 64. Products with them dequantise in the GEMM's packing (or the GEMV), so no
// weight is ever held widened. Trainable parameters (f32), LoRA factors, norms, embeddings, head, connector and
// tower stay as they are, and so do the weights an adapter supplies; the checkpoint dtype is kept, so what is
// saved is never quantised.
import { allocStorage, DTYPES } from "../backend/dtypes.ts";
import { kernels } from "../backend/index.ts";
import { loraTargets } from "../models/param_groups.ts";
import type { Module } from "../nn/module.ts";

export const QUANT_FORMATS = ["int8", "nf4"] as const;
export type QuantFormat = (typeof QUANT_FORMATS)[number];

export interface QuantizeReport {
  format: QuantFormat;
  weights: number;
  /** Storage of those weights before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

/** Quantises the model's frozen projection weights in place, except those named in `keep` (the weights an
 * adapter supplied, which stay exact). */
export function quantizeFrozen(
  model: Module,
  format: QuantFormat,
  keep: ReadonlySet<string> = new Set(),
): QuantizeReport {
  if (!QUANT_FORMATS.includes(format))
    throw new Error(`quantisation format must be one of ${QUANT_FORMATS.join(", ")}, got ${format}`);
  const names = new Map(model.namedParameters().map(([n, p]) => [p, n]));
  const block = DTYPES[format].blockSize;
  const report: QuantizeReport = { format, weights: 0, bytesBefore: 0, bytesAfter: 0 };
  const k = kernels();
  const weights = loraTargets(model)
    .map((linear) => linear.weight)
    .filter((w) => !w.requiresGrad && w.dtype !== format && !keep.has(names.get(w)!));
  // Every weight is checked before any is changed.
  for (const w of weights)
    if (w.shape[1] % block !== 0)
      throw new Error(
        `cannot quantise ${names.get(w)} [${w.shape}] to ${format}: its rows (${w.shape[1]} values) are no ` +
          `multiple of the format's block of ${block}`,
      );
  for (const w of weights) {
    const [rows, cols] = w.shape;
    const values = w.toFloat32();
    const codes = allocStorage(format, w.size);
    if (format === "int8") k.quantizeRows(values, codes, format, rows, cols);
    else k.convertFromF32(values, codes, format, w.size);
    report.weights++;
    report.bytesBefore += w.data.byteLength;
    report.bytesAfter += codes.byteLength;
    w.data = codes;
    w.dtype = format;
  }
  return report;
}

/** "quantised 154 weights to nf4: 1.86 GiB → 0.52 GiB". */
export function describeQuantize(r: QuantizeReport): string {
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return `quantised ${r.weights} frozen weights to ${r.format}: ${gib(r.bytesBefore)} → ${gib(r.bytesAfter)}`;
}
