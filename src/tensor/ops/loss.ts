// Cross-entropy fused with log-softmax, with ignore_index; the logits gradient is written in one pass.
// (Training goes through linear_cross_entropy.ts, which never holds the full logits.)
import { kernels } from "../../backend/index.ts";
import { record } from "../autograd.ts";
import { hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

export const IGNORE_INDEX = -100;

/** Fails on the row crossEntropyForward reported (−1: none). */
export function throwOnBadLabel(row: number, labels: Int32Array, V: number): void {
  if (row >= 0) throw new RangeError(`label ${labels[row]} of row ${row} outside [0, ${V})`);
}

export interface CrossEntropyOptions {
  ignoreIndex?: number;
  /** "mean" over non-ignored rows (HF semantics) or "sum". */
  reduction?: "mean" | "sum";
}

/** logits [..., V] and one label per row → scalar loss. With every row ignored the mean is 0 (PyTorch
 * would give NaN), so fully masked batches do not poison a run. */
export function crossEntropy(logits: Tensor, labels: Int32Array, opts: CrossEntropyOptions = {}): Tensor {
  const V = logits.shape[logits.ndim - 1];
  const rows = logits.size / V;
  if (labels.length !== rows) throw new Error(`crossEntropy: ${labels.length} labels for ${rows} rows`);
  const ignore = opts.ignoreIndex ?? IGNORE_INDEX;
  const k = kernels();
  const lv = hostF32(logits);
  const perRow = new Float32Array(rows);
  const lse = new Float32Array(rows);
  throwOnBadLabel(k.crossEntropyForward(lv, labels, perRow, lse, rows, V, ignore), labels, V);
  let count = 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    if (labels[r] === ignore) continue;
    count++;
    total += perRow[r];
  }
  const divisor = opts.reduction === "sum" ? 1 : Math.max(count, 1);
  const out = opResult(Float32Array.of(total / divisor), []);
  return record(
    "crossEntropy",
    out,
    [logits],
    () => (g) => {
      const dl = new Float32Array(lv.length);
      k.crossEntropyBackward(lv, labels, lse, dl, g[0] / divisor, rows, V, ignore);
      return [dl];
    },
    { saved: [lse] },
  );
}
