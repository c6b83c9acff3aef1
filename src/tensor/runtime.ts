// What the layers above the tensor learn of the engine they run on: its thread count, and the guard that lets
// a second SIGINT/SIGTERM end a long synchronous step (backend/index.ts).
import { kernels } from "../backend/index.ts";

export { interruptGuard, interruptsReceived } from "../backend/index.ts";

/** Threads the kernels split their work over. */
export function computeThreads(): number {
  return kernels().threads();
}
