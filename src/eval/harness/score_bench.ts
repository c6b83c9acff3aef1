// Converts the answers into the files each scorer reads, writes them into the output directory, and scores
// them when the ground truth is at hand.
import { join } from "node:path";
import { scoreCaptionFiles } from "../score_caption_files.ts";
import { scoreMmeDir } from "../score_mme_dir.ts";
import { scorePopeFiles } from "../score_pope_files.ts";
import { scoreVqaFiles } from "../score_vqa_files.ts";
import type { Answered } from "./answered.ts";
import {
  writeCaptionResults,
  writeMmeResults,
  writePopeAnswers,
  writeVqaResults,
} from "./convert_results.ts";
import type { Bench, GroundTruth } from "./types.ts";

/** File names inside the output directory. */
export const RESULT_FILES = {
  vqav2: "vqav2_answers.json",
  captions: "captions.json",
  pope: "pope_answers.jsonl",
  mme: "mme_results",
} as const;

export interface BenchScore {
  /** The scorer's report; null without ground truth or answers. */
  metrics: unknown;
  /** Converted files written, relative to the output directory. */
  files: string[];
  /** MME images left out of scoring because only one of their two questions was answered. */
  incompleteImages?: number;
}

export function scoreBench(
  bench: Bench,
  gt: GroundTruth,
  answered: readonly Answered[],
  out: string,
): BenchScore {
  const scorable = gt !== null && answered.length > 0;
  switch (bench) {
    case "vqav2": {
      const file = RESULT_FILES.vqav2;
      writeVqaResults(join(out, file), answered);
      if (!scorable || gt.bench !== "vqav2") return { metrics: null, files: [file] };
      // Per-question accuracies stay out of metrics.json; they are one scorer call away.
      const { perQuestion: _, ...metrics } = scoreVqaFiles(gt.questions, gt.annotations, join(out, file));
      return { metrics, files: [file] };
    }
    case "coco":
    case "flickr30k": {
      const file = RESULT_FILES.captions;
      writeCaptionResults(join(out, file), answered);
      if (!scorable || gt.bench !== bench) return { metrics: null, files: [file] };
      return { metrics: scoreCaptionFiles(gt.annotations, join(out, file)), files: [file] };
    }
    case "pope": {
      const file = RESULT_FILES.pope;
      writePopeAnswers(join(out, file), answered);
      if (!scorable || gt.bench !== "pope") return { metrics: null, files: [file] };
      return { metrics: scorePopeFiles(gt.splits, join(out, file)), files: [file] };
    }
    case "mme": {
      const dir = RESULT_FILES.mme;
      const { lines, incompleteImages } = writeMmeResults(join(out, dir), answered);
      const metrics = scorable && lines > 0 ? scoreMmeDir(join(out, dir)) : null;
      return { metrics, files: [dir], incompleteImages };
    }
  }
}
