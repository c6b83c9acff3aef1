// Per-region features of a CLIP tower: the mean of the patch tokens whose centres fall in each of the world's
// five regions (its 3×3 grid cells top, left, center, right, bottom). The tower's pretraining heads and the
// linear probe both read these, from the hidden state LLaVA feeds its connector.
import { linear } from "../../tensor/ops/matmul.ts";
import { slice, transpose } from "../../tensor/ops/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { POSITION_CELL, POSITIONS } from "../world/scene.ts";

/** [regions, grid²]: row r averages the patches of region r (patch (x, y) is index y·grid + x). */
export function regionPoolMatrix(grid: number): Tensor {
  const cellOf = (i: number) => Math.floor((3 * (i + 0.5)) / grid);
  const m = new Float32Array(POSITIONS.length * grid * grid);
  POSITIONS.forEach((p, r) => {
    const [col, row] = POSITION_CELL[p];
    const members: number[] = [];
    for (let y = 0; y < grid; y++)
      for (let x = 0; x < grid; x++) if (cellOf(x) === col && cellOf(y) === row) members.push(y * grid + x);
    if (members.length === 0) throw new Error(`a ${grid}×${grid} patch grid has no patch in region ${p}`);
    for (const k of members) m[r * grid * grid + k] = 1 / members.length;
  });
  return new Tensor(m, [POSITIONS.length, grid * grid]);
}

/** hidden [N, 1 + grid², D] (CLS first) → [N, regions, D]. */
export function regionFeatures(hidden: Tensor, pool: Tensor): Tensor {
  const patches = slice(hidden, 1, 1, hidden.shape[1]);
  return transpose(linear(transpose(patches, 1, 2), pool), 1, 2);
}
