// Inverted dropout: kept elements are scaled by 1/(1−p) so evaluation needs no rescaling. The mask is drawn
// from the Rng's stream, one draw per element, whichever backend runs.
import { kernels } from "../../backend/index.ts";
import { record } from "../autograd.ts";
import type { Rng } from "../rng.ts";
import { hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout probability ${p} outside [0, 1)`);
  if (!training || p === 0) return x;
  const k = kernels();
  const mask = new Uint8Array(x.size);
  const out = new Float32Array(x.size);
  k.dropoutForward(hostF32(x), out, mask, x.size, p, rng.stateWords());
  return record(
    "dropout",
    opResult(out, x.shape),
    [x],
    () => (g) => {
      k.dropoutBackward(g, mask, g, g.length, p);
      return [g];
    },
    { saved: [mask] },
  );
}
