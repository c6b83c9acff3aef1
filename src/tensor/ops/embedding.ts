// Embedding lookup; the table may be stored bf16/f16. The gradient scatter-adds into the table's rows.
import { bf16BitsToF32, f16BitsToF32 } from "../../backend/half.ts";
import { record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";

export function embedding(
  table: Tensor,
  ids: ArrayLike<number>,
  shape: readonly number[] = [ids.length],
): Tensor {
  const [V, H] = table.shape;
  const n = ids.length;
  const out = new Float32Array(n * H);
  const data = table.storage;
  const decode = table.dtype === "bf16" ? bf16BitsToF32 : f16BitsToF32;
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (!(Number.isInteger(id) && id >= 0 && id < V))
      throw new Error(`token id ${id} outside the vocabulary 0..${V - 1}`);
    if (table.dtype === "f32") out.set((data as Float32Array).subarray(id * H, (id + 1) * H), i * H);
    else for (let c = 0; c < H; c++) out[i * H + c] = decode(data[id * H + c]);
  }
  const idCopy = Int32Array.from(ids);
  return record("embedding", new Tensor(out, [...shape, H]), [table], () => (g) => {
    const gt = new Float32Array(V * H);
    for (let i = 0; i < n; i++) {
      const dst = idCopy[i] * H;
      for (let c = 0; c < H; c++) gt[dst + c] += g[i * H + c];
    }
    return [gt];
  });
}
