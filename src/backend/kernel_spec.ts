// The kernel spec: every kernel's signature, written once. The Kernels type (kernels.ts), the argument checks
// every backend runs behind (check_args.ts), the addon's C++ declarations and N-API bindings
// (native/kernels.generated.h, native/bindings.generated.h, written by tools/gen_native_headers.ts) all come
// from this table. Buffers are flat and row-major; outputs are allocated by the caller, so a kernel never
// allocates and the tensor layer owns all memory.
import { DTYPES, STORAGE_DTYPES } from "./dtypes.ts";
import {
  choice,
  count,
  dims,
  dtype,
  extent,
  f32,
  f64,
  flag,
  input,
  int,
  type KernelSpec,
  numelOf,
  optionalInput,
  optionalOutput,
  output,
  stridedExtent,
  struct,
  type Vals,
} from "./kernel_args.ts";

/** An error unless `count` values of the kernel's dtype argument (`dtypeIndex`) are whole blocks. */
function blockError(dtypeIndex: number, count: number, what: string): string | null {
  const d = STORAGE_DTYPES[dtypeIndex];
  const size = DTYPES[d].blockSize;
  return count % size === 0
    ? null
    : `${what} (${count}) must be a multiple of ${d}'s block of ${size} values`;
}

const n = (v: Vals) => v.n;
const rows = (v: Vals) => v.rows;
const cols = (v: Vals) => v.cols;
const matrix = (v: Vals) => v.rows * v.cols;

function strideError(name: string, rowLength: number, ld: number, rows: number): string | null {
  if (rows === 0 || rowLength === 0 || ld >= rowLength) return null;
  return `${name} stride ${ld} is smaller than its row length ${rowLength}`;
}

const GELU_KINDS = ["erf", "tanh", "quick"] as const;
const BINARY_OPS = ["add", "sub", "mul", "div"] as const;

const attentionShape = struct(
  "s",
  "AttentionShape",
  "Scaled-dot-product attention's shape. Layouts are token-major, as projections produce them: q and o are " +
    "[B, Tq, Hq, D]; k and v are [B, Tk, Hkv, D]; lse is [B, Hq, Tq]. Query head h reads kv head " +
    "floor(h / (Hq / Hkv)) (grouped-query attention, HF repeat_kv order). causal: query i (absolute position " +
    "qOffset + i) sees keys j <= qOffset + i; qOffset is Tk − Tq when decoding with a KV cache. keyMask " +
    "[B, Tk]: 1 = real key, 0 = padding (never attended); null = all keys are real.",
  [
    count("B", "batch"),
    count("Tq"),
    count("Tk"),
    count("Hq"),
    count("Hkv"),
    count("D"),
    f32("scale"),
    flag("causal"),
    int("qOffset"),
    optionalInput("keyMask", "u8", (v) => v.B * v.Tk),
  ],
);
const qLen = (v: Vals) => v.B * v.Tq * v.Hq * v.D;
const kvLen = (v: Vals) => v.B * v.Tk * v.Hkv * v.D;
const lseLen = (v: Vals) => v.B * v.Hq * v.Tq;
const checkHeads = (v: Vals) =>
  v.Hkv > 0 && v.Hq % v.Hkv === 0 ? null : `Hq (${v.Hq}) must be a multiple of Hkv (${v.Hkv})`;

const xoshiroState = (name: string) => output(name, "u32", () => 4);
const checkP = (v: Vals) => (v.p >= 0 && v.p < 1 ? null : `dropout probability ${v.p} outside [0, 1)`);

// The arguments of both GEMMs.
const GEMM_ARGS = [
  flag("transA"),
  flag("transB"),
  count("M"),
  count("N"),
  count("K"),
  f32("alpha"),
  input("A", "f32", (v) => (v.transA ? extent(v.K, v.M, v.lda) : extent(v.M, v.K, v.lda))),
  count("lda"),
  input("B", "stored", (v) => (v.transB ? extent(v.N, v.K, v.ldb) : extent(v.K, v.N, v.ldb))),
  count("ldb"),
  dtype("bDtype"),
  f32("beta"),
  output("C", "f32", (v) => extent(v.M, v.N, v.ldc)),
  count("ldc"),
] as const;
const checkGemm = (v: Vals) =>
  blockError(v.bDtype, v.ldb, "ldb") ??
  (v.transA ? strideError("A", v.M, v.lda, v.K) : strideError("A", v.K, v.lda, v.M)) ??
  (v.transB ? strideError("B", v.K, v.ldb, v.N) : strideError("B", v.N, v.ldb, v.K)) ??
  strideError("C", v.N, v.ldc, v.M);

export const KERNEL_SPEC = {
  sgemm: {
    doc:
      "C = alpha·op(A)·op(B) + beta·C, all row-major. op(A) is M×K (A is K×M when transA), op(B) is K×N (B is N×K " +
      "when transB). lda/ldb/ldc are the row strides of A, B and C as stored. B may be stored in any dtype (a " +
      "frozen weight); A and C are f32. beta = 0 ignores C's previous content (even NaN).",
    args: GEMM_ARGS,
    check: checkGemm,
  },
  gemmBf16: {
    doc:
      "sgemm with bf16 compute (torch autocast's bf16 matmul): every value of op(A) and op(B) is rounded to bf16 " +
      "(nearest even) and their products are accumulated in f32; the arguments are sgemm's.",
    args: GEMM_ARGS,
    check: checkGemm,
  },

  rmsNormForward: {
    doc: "y = x · rsqrt(mean(x²) + eps) · w over rows of length cols (HF LlamaRMSNorm). rstd[rows] is saved.",
    args: [
      input("x", "f32", matrix),
      input("w", "f32", cols),
      output("y", "f32", matrix),
      output("rstd", "f32", rows),
      count("rows"),
      count("cols"),
      f32("eps"),
    ],
  },
  rmsNormBackward: {
    doc: "dx is overwritten; dw (if not null) is accumulated into (+=).",
    args: [
      input("dy", "f32", matrix),
      input("x", "f32", matrix),
      input("w", "f32", cols),
      input("rstd", "f32", rows),
      output("dx", "f32", matrix),
      optionalOutput("dw", "f32", cols),
      count("rows"),
      count("cols"),
    ],
  },
  layerNormForward: {
    doc: "y = (x − mean)·rstd·w + b with biased variance. mean and rstd [rows] are saved.",
    args: [
      input("x", "f32", matrix),
      input("w", "f32", cols),
      input("b", "f32", cols),
      output("y", "f32", matrix),
      output("mean", "f32", rows),
      output("rstd", "f32", rows),
      count("rows"),
      count("cols"),
      f32("eps"),
    ],
  },
  layerNormBackward: {
    doc: "dx is overwritten; dw, db (if not null) are accumulated into.",
    args: [
      input("dy", "f32", matrix),
      input("x", "f32", matrix),
      input("w", "f32", cols),
      input("mean", "f32", rows),
      input("rstd", "f32", rows),
      output("dx", "f32", matrix),
      optionalOutput("dw", "f32", cols),
      optionalOutput("db", "f32", cols),
      count("rows"),
      count("cols"),
    ],
  },

  softmaxForward: {
    doc: "Row-wise softmax, computed in f32 with the max subtracted.",
    args: [input("x", "f32", matrix), output("y", "f32", matrix), count("rows"), count("cols")],
  },
  softmaxBackward: {
    doc: "dx = y ⊙ (dy − Σ dy⊙y), overwritten.",
    args: [
      input("dy", "f32", matrix),
      input("y", "f32", matrix),
      output("dx", "f32", matrix),
      count("rows"),
      count("cols"),
    ],
  },

  attentionForward: {
    doc:
      "o = softmax(q·kᵀ·scale + mask)·v; lse = per-row log-sum-exp of the masked scores (saved for backward). " +
      "Rows whose keys are all masked give o = 0 and lse = −Infinity. Holds one head's scores at a time.",
    args: [
      input("q", "f32", qLen),
      input("k", "f32", kvLen),
      input("v", "f32", kvLen),
      output("o", "f32", qLen),
      output("lse", "f32", lseLen),
      attentionShape,
    ],
    check: checkHeads,
  },
  attentionBackward: {
    doc: "Recomputes the probabilities from lse; dq, dk, dv are overwritten.",
    args: [
      input("q", "f32", qLen),
      input("k", "f32", kvLen),
      input("v", "f32", kvLen),
      input("o", "f32", qLen),
      input("lse", "f32", lseLen),
      input("dO", "f32", qLen),
      output("dq", "f32", qLen),
      output("dk", "f32", kvLen),
      output("dv", "f32", kvLen),
      attentionShape,
    ],
    check: checkHeads,
  },

  rope: {
    doc:
      "HF rotate-half RoPE in place on x [N, H, D] where cos/sin are [N, D/2] (one row per token): " +
      "(x_i, x_{i+D/2}) ← (x_i·c − x_{i+D/2}·s, x_{i+D/2}·c + x_i·s). inverse = rotate by −θ (the backward).",
    args: [
      output("x", "f32", (v) => v.N * v.H * v.D),
      input("cos", "f32", (v) => (v.N * v.D) / 2),
      input("sin", "f32", (v) => (v.N * v.D) / 2),
      count("N"),
      count("H"),
      count("D"),
      flag("inverse"),
    ],
    check: (v) => (v.D % 2 === 0 ? null : `rope needs an even head dim, got ${v.D}`),
  },

  swigluForward: {
    doc: "out = silu(gate) ⊙ up.",
    args: [input("gate", "f32", n), input("up", "f32", n), output("out", "f32", n), count("n")],
  },
  swigluBackward: {
    doc: "dgate, dup are overwritten.",
    args: [
      input("gate", "f32", n),
      input("up", "f32", n),
      input("dout", "f32", n),
      output("dgate", "f32", n),
      output("dup", "f32", n),
      count("n"),
    ],
  },
  geluForward: {
    doc: "y = act(x) for the GELU family: erf GELU, tanh GELU, quick_gelu (x·σ(1.702x)).",
    args: [input("x", "f32", n), output("y", "f32", n), count("n"), choice("kind", "GeluKind", GELU_KINDS)],
  },
  geluBackward: {
    doc: "dx = dy ⊙ act'(x), overwritten.",
    args: [
      input("x", "f32", n),
      input("dy", "f32", n),
      output("dx", "f32", n),
      count("n"),
      choice("kind", "GeluKind", GELU_KINDS),
    ],
  },

  crossEntropyForward: {
    doc:
      "Per row r of logits [rows, V]: lse[r] = log Σ exp(logits[r]); loss[r] = lse[r] − logits[r, labels[r]], " +
      "or 0 when labels[r] == ignoreIndex. Returns the first row whose label is neither ignoreIndex nor in " +
      "[0, V), or −1.",
    args: [
      input("logits", "f32", (v) => v.rows * v.V),
      input("labels", "i32", rows),
      output("loss", "f32", rows),
      output("lse", "f32", rows),
      count("rows"),
      count("V"),
      int("ignoreIndex", "int32_t"),
    ],
    returns: "index",
  },
  crossEntropyBackward: {
    doc:
      "dlogits[r] = scale·(softmax(logits[r]) − onehot(labels[r])) for rows with a valid label, 0 for the " +
      "others. dlogits may be the same buffer as logits (computed in place, row by row).",
    args: [
      input("logits", "f32", (v) => v.rows * v.V),
      input("labels", "i32", rows),
      input("lse", "f32", rows),
      output("dlogits", "f32", (v) => v.rows * v.V),
      f32("scale"),
      count("rows"),
      count("V"),
      int("ignoreIndex", "int32_t"),
    ],
  },

  adamw: {
    doc: "One AdamW step (PyTorch semantics, decoupled weight decay) on n elements; step counts from 1.",
    args: [
      output("param", "f32", n),
      input("grad", "f32", n),
      output("m", "f32", n),
      output("v", "f32", n),
      count("n"),
      f64("lr"),
      f64("beta1"),
      f64("beta2"),
      f64("eps"),
      f64("weightDecay"),
      count("step"),
    ],
  },

  binaryForward: {
    doc:
      "out = a op b element by element over `shape` (out contiguous); a and b are read through their element " +
      "strides, 0 along the axes they are broadcast over.",
    args: [
      choice("op", "BinaryOp", BINARY_OPS),
      input("a", "f32", (_, d) => stridedExtent(d.shape, d.aStrides)),
      dims("aStrides"),
      input("b", "f32", (_, d) => stridedExtent(d.shape, d.bStrides)),
      dims("bStrides"),
      output("out", "f32", (_, d) => numelOf(d.shape)),
      dims("shape"),
    ],
  },
  binaryBackward: {
    doc:
      "The gradients of binaryForward for the output gradient g (contiguous over `shape`): ga += g·∂(a op b)/∂a " +
      "and gb += g·∂(a op b)/∂b, each at its operand's strided positions, so the contributions to a broadcast " +
      "operand's repeated positions add up (in a fixed order). A null target is skipped.",
    args: [
      choice("op", "BinaryOp", BINARY_OPS),
      input("g", "f32", (_, d) => numelOf(d.shape)),
      input("a", "f32", (_, d) => stridedExtent(d.shape, d.aStrides)),
      dims("aStrides"),
      input("b", "f32", (_, d) => stridedExtent(d.shape, d.bStrides)),
      dims("bStrides"),
      optionalOutput("ga", "f32", (_, d) => stridedExtent(d.shape, d.aStrides)),
      optionalOutput("gb", "f32", (_, d) => stridedExtent(d.shape, d.bStrides)),
      dims("shape"),
    ],
  },
  scale: {
    doc: "y = alpha·x, each product computed in double and rounded once; y may be x.",
    args: [input("x", "f32", n), output("y", "f32", n), count("n"), f64("alpha")],
  },
  accumulate: {
    doc: "dst += src.",
    args: [output("dst", "f32", n), input("src", "f32", n), count("n")],
  },
  sumSquares: {
    doc:
      "Σ x² in double over blocks of fixed size, so the result does not depend on the thread count; it is NaN " +
      "or Infinity exactly when some element is.",
    args: [input("x", "f32", n), count("n")],
    returns: "f64",
  },
  sumAxis: {
    doc:
      "out[o, i] = alpha·Σ_j x[o, j, i] for x viewed as [outer, n, inner], summed in double in an order that " +
      "does not depend on the thread count.",
    args: [
      input("x", "f32", (v) => v.outer * v.n * v.inner),
      output("out", "f32", (v) => v.outer * v.inner),
      count("outer"),
      count("n"),
      count("inner"),
      f64("alpha"),
    ],
  },
  copyStrided: {
    doc:
      "dst[i·dstStrides] = src[i·srcStrides] for every multi-index i of `shape`. A zero source stride repeats " +
      "(broadcasts) the source; destination positions must not repeat.",
    args: [
      input("src", "f32", (_, d) => stridedExtent(d.shape, d.srcStrides)),
      dims("srcStrides"),
      output("dst", "f32", (_, d) => stridedExtent(d.shape, d.dstStrides)),
      dims("dstStrides"),
      dims("shape"),
    ],
  },
  indexSelect: {
    doc:
      "out[o, i, :] = f32(x[o, indices[i], :]) for x [outer, n, inner] stored in xDtype and out " +
      "[outer, m, inner]. Returns the first position of indices outside [0, n), or −1.",
    args: [
      input("x", "stored", (v) => v.outer * v.n * v.inner),
      dtype("xDtype"),
      input("indices", "i32", (v) => v.m),
      output("out", "f32", (v) => v.outer * v.m * v.inner),
      count("outer"),
      count("n"),
      count("inner"),
      count("m"),
    ],
    returns: "index",
    check: (v) => blockError(v.xDtype, v.inner, "inner"),
  },
  indexAdd: {
    doc:
      "gx[o, indices[i], :] += g[o, i, :] (repeated indices add up, in index order). Returns the first " +
      "position of indices outside [0, n), or −1.",
    args: [
      input("g", "f32", (v) => v.outer * v.m * v.inner),
      input("indices", "i32", (v) => v.m),
      output("gx", "f32", (v) => v.outer * v.n * v.inner),
      count("outer"),
      count("n"),
      count("inner"),
      count("m"),
    ],
    returns: "index",
  },
  dropoutForward: {
    doc:
      "Inverted dropout: the i-th draw u of xoshiro128** from `state` keeps element i when " +
      "(u >>> 8) / 2^24 >= p (mask[i] = 1, y[i] = x[i]·f32(1/(1−p))), else mask[i] = 0 and y[i] = x[i]·0. " +
      "state advances by n draws, as Rng.nextU32 would.",
    args: [
      input("x", "f32", n),
      output("y", "f32", n),
      output("mask", "u8", n),
      count("n"),
      f64("p"),
      xoshiroState("state"),
    ],
    check: checkP,
  },
  dropoutBackward: {
    doc: "dx = dy·f32(1/(1−p)) where mask is 1, dy·0 where it is 0; dx may be dy.",
    args: [input("dy", "f32", n), input("mask", "u8", n), output("dx", "f32", n), count("n"), f64("p")],
    check: checkP,
  },
  convertToF32: {
    doc: "Decodes n values stored in dtype into f32.",
    args: [input("src", "stored", n), dtype("srcDtype"), output("dst", "f32", n), count("n")],
    check: (v) => blockError(v.srcDtype, v.n, "n"),
  },
  convertFromF32: {
    doc:
      "Encodes n f32 values into dtype's storage, rounding to nearest even (as torch's .to()); a block-quantised " +
      "dtype's blocks each with their own absmax.",
    args: [input("src", "f32", n), output("dst", "stored", n), dtype("dstDtype"), count("n")],
    check: (v) => blockError(v.dstDtype, v.n, "n"),
  },
  quantizeRows: {
    doc:
      "Encodes a [rows, cols] f32 matrix into a block-quantised dtype with one absmax per row, shared by the " +
      "row's blocks (per-output-channel quantisation of a weight [out, in]); cols a multiple of the block size.",
    args: [
      input("src", "f32", matrix),
      output("dst", "stored", matrix),
      dtype("dstDtype"),
      count("rows"),
      count("cols"),
    ],
    check: (v) =>
      DTYPES[STORAGE_DTYPES[v.dstDtype]].quantised
        ? blockError(v.dstDtype, v.cols, "cols")
        : `${STORAGE_DTYPES[v.dstDtype]} is not a block-quantised dtype`,
  },
} as const satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNEL_SPEC;

export const KERNEL_NAMES = Object.keys(KERNEL_SPEC) as KernelName[];
