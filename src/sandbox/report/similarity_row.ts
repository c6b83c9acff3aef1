// A method's row of the layer-similarity section from a SimilarityResult: the pooled and per-token means,
// and for each layer its mean pooled cosine with every other layer (the row of the matrix without the
// diagonal's 1), which the report plots by layer.
import type { SimilarityResult } from "../../analysis/layer_similarity.ts";
import type { SimilarityRow } from "./results.ts";

export function similarityRow(method: string, r: SimilarityResult): SimilarityRow {
  const L = r.matrix.length;
  const perLayer = r.matrix.map((row, i) => row.reduce((s, c, j) => (j === i ? s : s + c), 0) / (L - 1));
  return { method, pooled: r.pooled, perToken: r.perToken, perLayer };
}
