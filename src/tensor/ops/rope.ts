// Rotary position embedding in HF's rotate-half convention, from per-token cos/sin tables.
import { kernels } from "../../backend/index.ts";
import { record } from "../autograd.ts";
import { hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

/** x [B, T, H, D]; cos and sin are [B·T, D/2] (one row per token, from its position id). */
export function rope(x: Tensor, cos: Float32Array, sin: Float32Array): Tensor {
  const [B, T, H, D] = x.shape;
  if (x.ndim !== 4 || D % 2 !== 0 || cos.length !== B * T * (D / 2) || sin.length !== cos.length)
    throw new Error(`rope: input [${x.shape}] with tables of ${cos.length} entries`);
  const k = kernels();
  const y = hostF32(x).slice();
  k.rope(y, cos, sin, B * T, H, D, false);
  return record("rope", opResult(y, x.shape), [x], () => (g) => {
    k.rope(g, cos, sin, B * T, H, D, true);
    return [g];
  });
}
