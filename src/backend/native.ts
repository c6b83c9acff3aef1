// Loader for the C++ kernel addon (native/, built by node-gyp into build/Release). The wrapper checks
// every buffer's length against the extent the call will touch, so a wrong size throws instead of
// reading or writing out of bounds; typed arrays (subarray views included) go to C++ by pointer.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { AttentionShape, F32, GeluKind, Kernels, StorageDtype } from "./kernels.ts";

type Half = Uint16Array;

/** The raw addon exports (positional arguments, see native/addon.cc). */
interface Addon {
  isa(): string;
  interruptGuard(armed?: boolean): number;
  threads(): number;
  setThreads(n: number): void;
  sgemm(
    ...args: [
      boolean,
      boolean,
      number,
      number,
      number,
      number,
      F32,
      number,
      F32 | Half,
      number,
      number,
      number,
      F32,
      number,
    ]
  ): void;
  rmsNormForward(x: F32, w: F32, y: F32, rstd: F32, rows: number, cols: number, eps: number): void;
  rmsNormBackward(
    dy: F32,
    x: F32,
    w: F32,
    rstd: F32,
    dx: F32,
    dw: F32 | null,
    rows: number,
    cols: number,
  ): void;
  layerNormForward(...args: [F32, F32, F32, F32, F32, F32, number, number, number]): void;
  layerNormBackward(...args: [F32, F32, F32, F32, F32, F32, F32 | null, F32 | null, number, number]): void;
  softmaxForward(x: F32, y: F32, rows: number, cols: number): void;
  softmaxBackward(dy: F32, y: F32, dx: F32, rows: number, cols: number): void;
  attentionForward(...args: [F32, F32, F32, F32, F32, ...ShapeArgs]): void;
  attentionBackward(...args: [F32, F32, F32, F32, F32, F32, F32, F32, F32, ...ShapeArgs]): void;
  rope(x: F32, cos: F32, sin: F32, N: number, H: number, D: number, inverse: boolean): void;
  swigluForward(gate: F32, up: F32, out: F32, n: number): void;
  swigluBackward(gate: F32, up: F32, dout: F32, dgate: F32, dup: F32, n: number): void;
  geluForward(x: F32, y: F32, n: number, kind: number): void;
  geluBackward(x: F32, dy: F32, dx: F32, n: number, kind: number): void;
  crossEntropyForward(...args: [F32, Int32Array, F32, F32, number, number, number]): void;
  crossEntropyBackward(...args: [F32, Int32Array, F32, F32, number, number, number, number]): void;
  adamw(...args: [F32, F32, F32, F32, number, number, number, number, number, number, number]): void;
}

type ShapeArgs = [number, number, number, number, number, number, number, boolean, number, Uint8Array | null];

const ADDON_PATH = fileURLToPath(new URL("../../build/Release/lntune_native.node", import.meta.url));

const GELU_KINDS: Record<GeluKind, number> = { erf: 0, tanh: 1, quick: 2 };
const B_TYPES: Record<StorageDtype, number> = { f32: 0, bf16: 1, f16: 2 };

function count(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

function need(name: string, buf: { length: number } | null, len: number): void {
  if (buf === null) throw new TypeError(`${name} must not be null`);
  if (buf.length < len) throw new RangeError(`${name} has ${buf.length} elements, needs ${len}`);
}

function needAll(len: number, bufs: Record<string, { length: number }>): void {
  for (const [name, buf] of Object.entries(bufs)) need(name, buf, len);
}

/** Elements a rows×cols matrix with row stride ld spans. */
function extent(name: string, rows: number, cols: number, ld: number): number {
  count(`${name} stride`, ld);
  if (rows === 0 || cols === 0) return 0;
  if (ld < cols) throw new RangeError(`${name} stride ${ld} is smaller than its row length ${cols}`);
  return (rows - 1) * ld + cols;
}

function checkShape(s: AttentionShape): ShapeArgs {
  const { B, Tq, Tk, Hq, Hkv, D } = s;
  for (const [k, v] of Object.entries({ B, Tq, Tk, Hq, Hkv, D })) count(k, v);
  if (Hkv === 0 || Hq % Hkv !== 0) throw new RangeError(`Hq (${Hq}) must be a multiple of Hkv (${Hkv})`);
  if (!Number.isSafeInteger(s.qOffset)) throw new RangeError(`qOffset must be an integer, got ${s.qOffset}`);
  if (s.keyMask !== null) need("keyMask", s.keyMask, B * Tk);
  return [B, Tq, Tk, Hq, Hkv, D, s.scale, s.causal, s.qOffset, s.keyMask];
}

function loadAddon(): Addon {
  const require = createRequire(import.meta.url);
  try {
    return require(ADDON_PATH) as Addon;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new Error(`cannot load ${ADDON_PATH} (run \`npx node-gyp rebuild\`): ${reason}`);
  }
}

/** Arms or disarms (or, without an argument, only reads) the addon's signal guard; returns the signals it
 * counted since it was armed. While armed, a second SIGINT/SIGTERM exits with 130 at once. */
export function nativeInterruptGuard(armed?: boolean): number {
  return loadAddon().interruptGuard(armed);
}

/** The native ISA the addon picked ("avx512", "avx2" or "scalar"). */
export function nativeIsa(): string {
  return loadAddon().isa();
}

export function loadNativeKernels(): Kernels {
  const a = loadAddon();
  return {
    name: "native",
    threads: () => a.threads(),
    setThreads(n) {
      count("threads", n);
      a.setThreads(Math.max(1, n));
    },

    sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, bDtype, beta, C, ldc) {
      count("M", M);
      count("N", N);
      count("K", K);
      need("A", A, transA ? extent("A", K, M, lda) : extent("A", M, K, lda));
      need("B", B, transB ? extent("B", N, K, ldb) : extent("B", K, N, ldb));
      need("C", C, extent("C", M, N, ldc));
      const type = B_TYPES[bDtype];
      if (type === undefined) throw new TypeError(`unknown B dtype ${bDtype}`);
      if ((type === 0) !== B instanceof Float32Array)
        throw new TypeError(`B must be a ${type === 0 ? "Float32Array" : "Uint16Array"} for dtype ${bDtype}`);
      a.sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, type, beta, C, ldc);
    },

    rmsNormForward(x, w, y, rstd, rows, cols, eps) {
      count("rows", rows);
      count("cols", cols);
      need("x", x, rows * cols);
      need("w", w, cols);
      need("y", y, rows * cols);
      need("rstd", rstd, rows);
      a.rmsNormForward(x, w, y, rstd, rows, cols, eps);
    },
    rmsNormBackward(dy, x, w, rstd, dx, dw, rows, cols) {
      count("rows", rows);
      count("cols", cols);
      needAll(rows * cols, { dy, x, dx });
      need("w", w, cols);
      need("rstd", rstd, rows);
      if (dw) need("dw", dw, cols);
      a.rmsNormBackward(dy, x, w, rstd, dx, dw, rows, cols);
    },
    layerNormForward(x, w, b, y, mean, rstd, rows, cols, eps) {
      count("rows", rows);
      count("cols", cols);
      need("x", x, rows * cols);
      need("y", y, rows * cols);
      need("w", w, cols);
      need("b", b, cols);
      need("mean", mean, rows);
      need("rstd", rstd, rows);
      a.layerNormForward(x, w, b, y, mean, rstd, rows, cols, eps);
    },
    layerNormBackward(dy, x, w, mean, rstd, dx, dw, db, rows, cols) {
      count("rows", rows);
      count("cols", cols);
      needAll(rows * cols, { dy, x, dx });
      need("w", w, cols);
      need("mean", mean, rows);
      need("rstd", rstd, rows);
      if (dw) need("dw", dw, cols);
      if (db) need("db", db, cols);
      a.layerNormBackward(dy, x, w, mean, rstd, dx, dw, db, rows, cols);
    },

    softmaxForward(x, y, rows, cols) {
      count("rows", rows);
      count("cols", cols);
      need("x", x, rows * cols);
      need("y", y, rows * cols);
      a.softmaxForward(x, y, rows, cols);
    },
    softmaxBackward(dy, y, dx, rows, cols) {
      count("rows", rows);
      count("cols", cols);
      needAll(rows * cols, { dy, y, dx });
      a.softmaxBackward(dy, y, dx, rows, cols);
    },

    attentionForward(q, k, v, o, lse, s) {
      const shape = checkShape(s);
      const qLen = s.B * s.Tq * s.Hq * s.D;
      const kvLen = s.B * s.Tk * s.Hkv * s.D;
      need("q", q, qLen);
      need("o", o, qLen);
      need("k", k, kvLen);
      need("v", v, kvLen);
      need("lse", lse, s.B * s.Hq * s.Tq);
      a.attentionForward(q, k, v, o, lse, ...shape);
    },
    attentionBackward(q, k, v, o, lse, dO, dq, dk, dv, s) {
      const shape = checkShape(s);
      const qLen = s.B * s.Tq * s.Hq * s.D;
      const kvLen = s.B * s.Tk * s.Hkv * s.D;
      needAll(qLen, { q, o, dO, dq });
      needAll(kvLen, { k, v, dk, dv });
      need("lse", lse, s.B * s.Hq * s.Tq);
      a.attentionBackward(q, k, v, o, lse, dO, dq, dk, dv, ...shape);
    },

    rope(x, cos, sin, N, H, D, inverse) {
      count("N", N);
      count("H", H);
      count("D", D);
      if (D % 2 !== 0) throw new RangeError(`rope needs an even head dim, got ${D}`);
      need("x", x, N * H * D);
      need("cos", cos, (N * D) / 2);
      need("sin", sin, (N * D) / 2);
      a.rope(x, cos, sin, N, H, D, inverse);
    },

    swigluForward(gate, up, out, n) {
      count("n", n);
      needAll(n, { gate, up, out });
      a.swigluForward(gate, up, out, n);
    },
    swigluBackward(gate, up, dout, dgate, dup, n) {
      count("n", n);
      needAll(n, { gate, up, dout, dgate, dup });
      a.swigluBackward(gate, up, dout, dgate, dup, n);
    },
    geluForward(x, y, n, kind) {
      count("n", n);
      need("x", x, n);
      need("y", y, n);
      a.geluForward(x, y, n, geluKind(kind));
    },
    geluBackward(x, dy, dx, n, kind) {
      count("n", n);
      needAll(n, { x, dy, dx });
      a.geluBackward(x, dy, dx, n, geluKind(kind));
    },

    crossEntropyForward(logits, labels, loss, lse, rows, V, ignoreIndex) {
      count("rows", rows);
      count("V", V);
      need("logits", logits, rows * V);
      need("labels", labels, rows);
      need("loss", loss, rows);
      need("lse", lse, rows);
      a.crossEntropyForward(logits, labels, loss, lse, rows, V, ignoreIndex);
    },
    crossEntropyBackward(logits, labels, lse, dlogits, scale, rows, V, ignoreIndex) {
      count("rows", rows);
      count("V", V);
      need("logits", logits, rows * V);
      need("dlogits", dlogits, rows * V);
      need("labels", labels, rows);
      need("lse", lse, rows);
      a.crossEntropyBackward(logits, labels, lse, dlogits, scale, rows, V, ignoreIndex);
    },

    adamw(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step) {
      count("n", n);
      needAll(n, { param, grad, m, v });
      a.adamw(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step);
    },
  };
}

function geluKind(kind: GeluKind): number {
  const k = GELU_KINDS[kind];
  if (k === undefined) throw new TypeError(`unknown GELU kind ${kind}`);
  return k;
}
