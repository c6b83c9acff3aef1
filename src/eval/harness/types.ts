// The benchmarks the harness runs and the unit it generates an answer for.

export const BENCHES = ["vqav2", "coco", "flickr30k", "pope", "mme"] as const;
export type Bench = (typeof BENCHES)[number];

/** One question about one image, as a line of LLaVA's question JSONL holds it. */
export interface EvalItem {
  questionId: number | string;
  /** Image path relative to the image folder. */
  image: string;
  /** The user text after "<image>\n" (suffix included); recorded as the answer's `prompt`. */
  text: string;
  /** POPE split or MME subtask; kept in the answer's metadata. */
  category?: string;
  /** MME only: the subtask file's question, yes/no ground truth and image file name. */
  mme?: { question: string; answer: string; imageName: string };
}

/** Where the ground truth for scoring lives; `null` when the input carries none. */
export type GroundTruth =
  | { bench: "vqav2"; questions: string; annotations: string }
  | { bench: "coco" | "flickr30k"; annotations: string }
  | { bench: "pope"; splits: string[] }
  | { bench: "mme" }
  | null;

export interface BenchInput {
  items: EvalItem[];
  groundTruth: GroundTruth;
}
