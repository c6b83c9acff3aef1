// The kernel interface: every heavy computation of the engine goes through one of these functions.
// Two implementations exist: the pure-TypeScript reference (src/backend/ts/) and the C++ addon
// (native/, loaded by src/backend/native.ts). Both take flat row-major buffers and write into
// caller-allocated outputs, so a kernel never allocates and the tensor layer owns all memory.

/** Storage dtype of a matrix operand. Half types are raw 16-bit patterns in a Uint16Array. */
export type StorageDtype = "f32" | "bf16" | "f16";

export type F32 = Float32Array;

/** Shape and options of scaled-dot-product attention. Layouts are "token-major", as projections produce them:
 * q and o are [B, Tq, Hq, D]; k and v are [B, Tk, Hkv, D]; lse is [B, Hq, Tq]. Query head h reads kv head
 * floor(h / (Hq / Hkv)) (grouped-query attention, HF repeat_kv order). */
export interface AttentionShape {
  B: number;
  Tq: number;
  Tk: number;
  Hq: number;
  Hkv: number;
  D: number;
  scale: number;
  /** Causal mask: query i (absolute position qOffset + i) sees keys j <= qOffset + i. */
  causal: boolean;
  /** Absolute position of the first query among the keys (Tk - Tq when decoding with a KV cache). */
  qOffset: number;
  /** [B, Tk], 1 = real key, 0 = padding (never attended). null = all keys are real. */
  keyMask: Uint8Array | null;
}

export type GeluKind = "erf" | "tanh" | "quick";

export interface Kernels {
  readonly name: "ts" | "native";
  /** Worker threads the kernels may use (1 for the TS backend). */
  threads(): number;
  setThreads(n: number): void;

  /** C = alpha·op(A)·op(B) + beta·C, all row-major. op(A) is M×K (A is K×M when transA), op(B) is K×N
   * (B is N×K when transB). lda/ldb/ldc are the row strides of A, B and C as stored. B may be stored as
   * bf16/f16 (a frozen weight); A and C are always f32. beta = 0 ignores C's previous content (even NaN). */
  sgemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: F32,
    lda: number,
    B: F32 | Uint16Array,
    ldb: number,
    bDtype: StorageDtype,
    beta: number,
    C: F32,
    ldc: number,
  ): void;

  /** y = x · rsqrt(mean(x²) + eps) · w over rows of length cols (HF LlamaRMSNorm). rstd[rows] is saved. */
  rmsNormForward(x: F32, w: F32, y: F32, rstd: F32, rows: number, cols: number, eps: number): void;
  /** dx = overwritten; dw (if not null) is accumulated into (+=). */
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

  /** y = (x − mean)·rstd·w + b with biased variance. mean and rstd [rows] are saved. */
  layerNormForward(
    x: F32,
    w: F32,
    b: F32,
    y: F32,
    mean: F32,
    rstd: F32,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  /** dx overwritten; dw, db (if not null) accumulated into. */
  layerNormBackward(
    dy: F32,
    x: F32,
    w: F32,
    mean: F32,
    rstd: F32,
    dx: F32,
    dw: F32 | null,
    db: F32 | null,
    rows: number,
    cols: number,
  ): void;

  /** Row-wise softmax, computed in f32 with the max subtracted. */
  softmaxForward(x: F32, y: F32, rows: number, cols: number): void;
  /** dx = y ⊙ (dy − Σ dy⊙y), overwritten. */
  softmaxBackward(dy: F32, y: F32, dx: F32, rows: number, cols: number): void;

  /** o = softmax(q·kᵀ·scale + mask)·v; lse = per-row log-sum-exp of the masked scores (saved for backward).
   * Rows whose keys are all masked give o = 0 and lse = −Infinity. Holds one head's scores at a time. */
  attentionForward(q: F32, k: F32, v: F32, o: F32, lse: F32, s: AttentionShape): void;
  /** Recomputes the probabilities from lse; dq, dk, dv are overwritten. */
  attentionBackward(
    q: F32,
    k: F32,
    v: F32,
    o: F32,
    lse: F32,
    dO: F32,
    dq: F32,
    dk: F32,
    dv: F32,
    s: AttentionShape,
  ): void;

  /** HF rotate-half RoPE in place on x [N, H, D] where cos/sin are [N, D/2] (one row per token):
   * (x_i, x_{i+D/2}) ← (x_i·c − x_{i+D/2}·s, x_{i+D/2}·c + x_i·s). inverse = rotate by −θ (the backward). */
  rope(x: F32, cos: F32, sin: F32, N: number, H: number, D: number, inverse: boolean): void;

  /** out = silu(gate) ⊙ up. */
  swigluForward(gate: F32, up: F32, out: F32, n: number): void;
  /** dgate, dup overwritten. */
  swigluBackward(gate: F32, up: F32, dout: F32, dgate: F32, dup: F32, n: number): void;
  /** y = act(x) for act in silu-free GELU family: erf GELU, tanh GELU, quick_gelu (x·σ(1.702x)). */
  geluForward(x: F32, y: F32, n: number, kind: GeluKind): void;
  /** dx = dy ⊙ act'(x), overwritten. */
  geluBackward(x: F32, dy: F32, dx: F32, n: number, kind: GeluKind): void;

  /** Per row r of logits [rows, V]: lse[r] = log Σ exp(logits[r]); loss[r] = lse[r] − logits[r, labels[r]],
   * or 0 when labels[r] == ignoreIndex. A label outside [0, V) that is not ignoreIndex throws. */
  crossEntropyForward(
    logits: F32,
    labels: Int32Array,
    loss: F32,
    lse: F32,
    rows: number,
    V: number,
    ignoreIndex: number,
  ): void;
  /** dlogits[r] = scale·(softmax(logits[r]) − onehot(labels[r])) for non-ignored rows, 0 for ignored rows.
   * dlogits may be the same buffer as logits (computed in place, row by row). */
  crossEntropyBackward(
    logits: F32,
    labels: Int32Array,
    lse: F32,
    dlogits: F32,
    scale: number,
    rows: number,
    V: number,
    ignoreIndex: number,
  ): void;

  /** One AdamW step (PyTorch semantics, decoupled weight decay) on n elements; step counts from 1. */
  adamw(
    param: F32,
    grad: F32,
    m: F32,
    v: F32,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    step: number,
  ): void;
}
