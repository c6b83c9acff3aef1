// How the benchmarks run the PyTorch references: Debian's torch under /usr/bin/python3, with OpenBLAS's
// core-type overrides removed (they are set on some machines for old OpenBLAS builds and slow a current one
// down) and OPENBLAS_NUM_THREADS pinned, since torch.set_num_threads does not limit OpenBLAS's own threads.
import { spawnSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ["-c", "import torch"]).status === 0;
}

export function torchEnv(threads: number): NodeJS.ProcessEnv {
  const { OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, ...env } = process.env;
  void OPENBLAS_CORETYPE;
  void OPENBLAS_L2_SIZE;
  return { ...env, OPENBLAS_NUM_THREADS: String(threads) };
}
