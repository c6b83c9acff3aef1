// Embedding lookup; the table may be stored bf16/f16. The gradient scatter-adds into the table's rows.
import { kernels } from "../../backend/index.ts";
import { gradBuffer, record } from "../autograd.ts";
import { hostArray } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";
import { indexArray } from "./shape.ts";

export function embedding(
  table: Tensor,
  ids: ArrayLike<number>,
  shape: readonly number[] = [ids.length],
): Tensor {
  const [V, H] = table.shape;
  const describe = (id: number) => `token id ${id} outside the vocabulary 0..${V - 1}`;
  const idx = indexArray(ids, describe);
  const n = idx.length;
  const k = kernels();
  const out = new Float32Array(n * H);
  const bad = k.indexSelect(hostArray(table), table.dtype, idx, out, 1, V, H, n);
  if (bad >= 0) throw new Error(describe(idx[bad]));
  return record("embedding", opResult(out, [...shape, H]), [table], () => (g) => {
    const gt = gradBuffer(table);
    k.indexAdd(g, idx, gt, 1, V, H, n);
    return [gt];
  });
}
