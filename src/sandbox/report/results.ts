// The content of `results.json`, which `lntune demo` writes and `report.html` is rendered from. Every section
// is optional: a partial run (plain `lntune demo`: stage 1 and `ln` only) fills what it ran, and the report
// shows only those sections. Methods are named as `--method` names them (`full`, `lora`, `attn-qv`,
// `attn-mlp`, `ln`, `ln-simp`, `connector`, `ln-connector`); the stage-1 model is the method `stage1`.
// Scores are on the scales papers print, so the report shows them as they are:
//   - MME perception: the sum of its subtasks' scores, each (acc + acc+) × 100, so 0..200 per subtask;
//   - VQAv2: VQA accuracy in percent (0..100), as `vqaAccuracy` gives it;
//   - COCO and Flickr30k: corpus CIDEr-D × 100 (pycocoevalcap's value × 100);
//   - POPE: F1 and accuracy in percent (0..100).
import type { MemoryReport } from "../../train/memory.ts";

export interface SandboxResults {
  /** A heading for the report; "lntune demo" when absent. */
  title?: string;
  settings?: RunSettings;
  visionProbe?: ProbeRow[];
  lrSweep?: LrSweep;
  table1?: Table1;
  table2?: Table2Row[];
  lossCurves?: LossCurve[];
  dataTypes?: DataTypeRow[];
  connectorAblation?: MethodScores[];
  layerSimilarity?: SimilarityRow[];
  gradVariance?: GradVarianceCurve[];
  /** Wall-clock seconds of the whole run. */
  totalSeconds?: number;
}

export interface RunSettings {
  seed: number;
  /** Threads of the native kernels (LNTUNE_THREADS or all cores). */
  threads: number;
  /** Images of the training and held-out splits of the sandbox world. */
  trainImages?: number;
  evalImages?: number;
  models: ModelSize[];
}

/** A model of the sandbox and how its parameters split; percentages are shown of `parameters`. */
export interface ModelSize {
  /** e.g. "LLaVA (LLM + tower + connector)", "LLM", "vision tower". */
  name: string;
  parameters: number;
  /** Word embeddings plus output head (tied heads counted once). */
  embeddingsAndHead?: number;
  /** input_layernorm and post_attention_layernorm of every block: what LayerNorm-simp. trains. */
  blockNorms?: number;
}

/** Linear-probe accuracy (0..1) of one scene attribute on held-out scenes (linear_probe.ts), read from the
 * pretrained tower and from a randomly initialised one of the same shape. */
export interface ProbeRow {
  attribute: string;
  pretrained: number;
  random: number;
}

export interface LrSweep {
  /** What `score` is, e.g. "validation VQAv2 accuracy (%)"; higher is better. */
  metric: string;
  points: { method: string; lr: number; score: number }[];
  /** The learning rate each method was then run at. */
  chosen: Record<string, number>;
}

export interface BenchmarkScores {
  mmePerception: number;
  vqav2: number;
  cocoCider: number;
  flickrCider: number;
  popeF1: number;
  popeAccuracy: number;
}

export interface MethodScores {
  method: string;
  scores: BenchmarkScores;
}

/** The paper's Table 1 on the test split: one row per method, `stage1` included. */
export interface Table1 {
  rows: MethodScores[];
  /** The largest possible MME perception score (200 per subtask). */
  mmePerceptionMax?: number;
  /** The row the "average" column compares every row with. The paper's one aggregate over its five
   * benchmarks (LayerNorm "outperforms LoRA by an average of more than 20%") is a relative difference, as
   * far as paper.md §6.1 recovers it; a plain mean would let MME's hundreds outweigh the percentages. So
   * the report averages, over the five benchmarks (POPE by F1), 100·(score − ref)/ref against this row.
   * Default: `lora` when present, else the first row. */
  averageReference?: string;
}

export interface Table2Row {
  method: string;
  trainable: number;
  /** All parameters of the model (tower and LoRA factors included); the % is trainable / total. */
  total: number;
  memory: MemoryReport;
  /** Mean wall-clock seconds per optimizer step. */
  secondsPerStep: number;
}

export interface LossCurve {
  method: string;
  /** metrics.jsonl's step and loss. */
  points: { step: number; loss: number }[];
}

/** The data-type study: `ln` trained on one type of instruction data (or `all` of them), every subset of
 * the same number of samples. Tokens are recorded because equal samples are not equal tokens (paper.md §7). */
export interface DataTypeRow {
  subset: "conversation" | "detail" | "complex_reasoning" | "all";
  samples: number;
  tokens?: number;
  scores: BenchmarkScores;
}

/** Layer-representation similarity of a trained model (layer_similarity.ts). */
export interface SimilarityRow {
  method: string;
  /** Mean over pairs i < j of the pooled cosine. */
  pooled: number;
  perToken: number;
  /** Per decoder layer i, the mean pooled cosine with every other layer j ≠ i (see perLayerSimilarity). */
  perLayer: number[];
}

/** grad_variance.jsonl of a run: (1/K) Σ‖g_k − ḡ‖² of the block norms' gradients at each probed step. */
export interface GradVarianceCurve {
  method: string;
  points: { step: number; variance: number }[];
}
