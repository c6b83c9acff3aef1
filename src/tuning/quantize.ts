// Quantised frozen weights (--quantize int8|nf4), as QLoRA does for its base model: the frozen weights of the
// language model's attention and MLP projections (the modules LoRA wraps, found from the family's parts) are
// stored block-quantised from load on: int8 with one scale per output channel (a row of [out, in]), nf4 with
// QLoRA's absmax per block of 64. Products with them dequantise in the GEMM's packing (or the GEMV), so no
// weight is ever held widened. Trainable parameters (f32), LoRA factors, norms, embeddings, head, connector and
// tower stay as they are, and so do the weights an adapter supplies; the checkpoint dtype is kept, so what is
// saved is never quantised.
import type { OnWeight } from "../models/load.ts";
import { loraTargets } from "../models/param_groups.ts";
import type { Module, Parameter } from "../nn/module.ts";
import { DTYPES } from "../tensor/dtype.ts";
import { type QuantFormat, quantizedStorage } from "../tensor/quantize.ts";

export type { QuantFormat };
export const QUANT_FORMATS: readonly QuantFormat[] = ["int8", "nf4"];

export interface QuantizeReport {
  format: QuantFormat;
  weights: number;
  /** Storage of those weights before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

function emptyReport(format: QuantFormat): QuantizeReport {
  return { format, weights: 0, bytesBefore: 0, bytesAfter: 0 };
}

/** Quantises the model's frozen projection weights in place, except those named in `keep` (the weights an
 * adapter supplied, which stay exact); counted in `report` (a new one by default). */
export function quantizeFrozen(
  model: Module,
  format: QuantFormat,
  keep: ReadonlySet<string> = new Set(),
  report: QuantizeReport = emptyReport(format),
): QuantizeReport {
  checkFormat(format);
  const names = new Map(model.namedParameters().map(([n, p]) => [p, n]));
  const weights = loraTargets(model)
    .map((linear) => linear.weight)
    .filter((w) => !w.requiresGrad && w.dtype !== format && !keep.has(names.get(w)!));
  // Every weight is checked before any is changed.
  for (const w of weights) checkRows(w, names.get(w)!, format);
  for (const w of weights) quantizeWeight(w, format, report);
  return report;
}

/** The same quantisation applied to each projection weight as the loader reads it (loadLlama's and
 * loadLlava's onWeight, composeLlava's too), so that the model is never held whole at its stored width: for
 * runs in which no projection weight will be trained. `report` counts what was done. */
export function quantizeWhileLoading(format: QuantFormat, report: QuantizeReport): OnWeight {
  checkFormat(format);
  let targets: Set<Parameter> | null = null;
  return (p, model) => {
    targets ??= new Set(loraTargets(model).map((linear) => linear.weight));
    if (!targets.has(p)) return;
    const name = model.namedParameters().find(([, q]) => q === p)![0];
    checkRows(p, name, format);
    quantizeWeight(p, format, report);
  };
}

/** quantizeWhileLoading with a fresh report: the loader's onWeight and what it counts. */
export function quantizeOnLoad(format: QuantFormat): { onWeight: OnWeight; report: QuantizeReport } {
  const report = emptyReport(format);
  return { onWeight: quantizeWhileLoading(format, report), report };
}

function checkFormat(format: QuantFormat): void {
  if (!QUANT_FORMATS.includes(format))
    throw new Error(`quantisation format must be one of ${QUANT_FORMATS.join(", ")}, got ${format}`);
}

function checkRows(w: Parameter, name: string, format: QuantFormat): void {
  const block = DTYPES[format].blockSize;
  if (w.shape[1] % block !== 0)
    throw new Error(
      `cannot quantise ${name} [${w.shape}] to ${format}: its rows (${w.shape[1]} values) are no ` +
        `multiple of the format's block of ${block}`,
    );
}

function quantizeWeight(w: Parameter, format: QuantFormat, report: QuantizeReport): void {
  const codes = quantizedStorage(w, format);
  report.weights++;
  report.bytesBefore += w.storage.byteLength;
  report.bytesAfter += codes.byteLength;
  w.storage = codes;
}

/** "quantised 154 weights to nf4: 1.86 GiB → 0.52 GiB". */
export function describeQuantize(r: QuantizeReport): string {
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return `quantised ${r.weights} frozen weights to ${r.format}: ${gib(r.bytesBefore)} → ${gib(r.bytesAfter)}`;
}
