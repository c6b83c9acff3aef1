// Expressive power as the paper measures it (its Table 6): the average similarity between the
// representations of all layers. Per sample, each decoder layer's output is mean-pooled over the sample's real
// tokens, and the cosine of every pair of layers i < j is averaged; lower means more diverse layers. The
// token-level variant averages the per-token cosines instead of pooling first. (The paper's exact formula is
// not published; this is the reading its description supports.)

export interface SimilarityResult {
  /** Mean over pairs i < j of cos(pooled_i, pooled_j), averaged over samples. */
  pooled: number;
  /** Mean over pairs i < j and real tokens of cos(h_i[t], h_j[t]), averaged over samples. */
  perToken: number;
  /** [L, L] pooled cosine matrix averaged over samples. */
  matrix: number[][];
  samples: number;
}

function cosine(
  a: Float64Array | Float32Array,
  ao: number,
  b: Float64Array | Float32Array,
  bo: number,
  n: number,
): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    dot += a[ao + i] * b[bo + i];
    na += a[ao + i] * a[ao + i];
    nb += b[bo + i] * b[bo + i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Accumulates samples; each sample gives its layers' outputs as [T, H] arrays and the real-token mask. */
export class LayerSimilarity {
  private pooledSum = 0;
  private tokenSum = 0;
  private matrixSum: Float64Array;
  private count = 0;

  constructor(readonly layers: number) {
    if (layers < 2) throw new Error("layer similarity needs at least two layers");
    this.matrixSum = new Float64Array(layers * layers);
  }

  add(states: ReadonlyArray<Float32Array>, T: number, H: number, mask: ArrayLike<number>): void {
    const L = this.layers;
    if (states.length !== L) throw new Error(`expected ${L} layer outputs, got ${states.length}`);
    const real: number[] = [];
    for (let t = 0; t < T; t++) if (mask[t]) real.push(t);
    if (real.length === 0) return;
    const pooled = states.map((s) => {
      const p = new Float64Array(H);
      for (const t of real) for (let h = 0; h < H; h++) p[h] += s[t * H + h];
      return p.map((v) => v / real.length);
    });
    let pairs = 0;
    let pooledSum = 0;
    let tokenSum = 0;
    for (let i = 0; i < L; i++)
      for (let j = i + 1; j < L; j++) {
        const c = cosine(pooled[i], 0, pooled[j], 0, H);
        this.matrixSum[i * L + j] += c;
        this.matrixSum[j * L + i] += c;
        pooledSum += c;
        let tokens = 0;
        for (const t of real) tokens += cosine(states[i], t * H, states[j], t * H, H);
        tokenSum += tokens / real.length;
        pairs++;
      }
    for (let i = 0; i < L; i++) this.matrixSum[i * L + i] += 1;
    this.pooledSum += pooledSum / pairs;
    this.tokenSum += tokenSum / pairs;
    this.count++;
  }

  result(): SimilarityResult {
    const n = Math.max(this.count, 1);
    const L = this.layers;
    const matrix = Array.from({ length: L }, (_, i) =>
      Array.from({ length: L }, (_, j) => this.matrixSum[i * L + j] / n),
    );
    return { pooled: this.pooledSum / n, perToken: this.tokenSum / n, matrix, samples: this.count };
  }
}
