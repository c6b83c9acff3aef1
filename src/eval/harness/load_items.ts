// Reads a benchmark's input files into items and locates its ground truth (see each reader for layouts).
import { readCaptionImages } from "./read_captions.ts";
import { attachMmeGroundTruth, readMmeDir } from "./read_mme.ts";
import { popeSplitFiles, readPopeSplits } from "./read_pope.ts";
import { readQuestionJsonl } from "./read_question_jsonl.ts";
import { readVqav2Questions } from "./read_vqav2.ts";
import type { Bench, BenchInput } from "./types.ts";

export interface BenchFiles {
  bench: Bench;
  /** Questions: the benchmark's own file(s) or directory, or LLaVA's question JSONL (a .jsonl file). */
  data: readonly string[];
  /** VQAv2 annotations; the caption references when not in the data file; POPE split files for a JSONL input. */
  annotations?: string;
  /** The image folder; MME's benchmark directory for LLaVA's llava_mme.jsonl. */
  images: string;
  /** The caption instruction. */
  captionPrompt: string;
  /** Append LLaVA's short-answer instruction to the benchmarks' own questions (default true). */
  shortAnswer?: boolean;
}

const isJsonl = (path: string) => path.endsWith(".jsonl");

export function loadBenchInput(files: BenchFiles): BenchInput {
  const { bench, data, annotations, shortAnswer = true } = files;
  if (data.length === 0) throw new Error("no input files given");
  if (bench !== "pope" && data.length > 1) throw new Error(`${bench} reads one input, got ${data.length}`);
  const first = data[0];
  if (data.every(isJsonl)) {
    const items = data.flatMap(readQuestionJsonl);
    switch (bench) {
      case "mme":
        return { items: attachMmeGroundTruth(items, files.images), groundTruth: { bench } };
      case "pope":
        return { items, groundTruth: annotations ? { bench, splits: popeSplitFiles([annotations]) } : null };
      default:
        // LLaVA's VQAv2 and caption question files carry no ground truth the scorers can match.
        if (annotations !== undefined) {
          throw new Error(
            `${first}: LLaVA's question JSONL cannot be scored against --annotations for ${bench}; ` +
              `give the benchmark's own question file instead, or leave out --annotations to only generate answers`,
          );
        }
        return { items, groundTruth: null };
    }
  }
  switch (bench) {
    case "vqav2":
      return {
        items: readVqav2Questions(first, shortAnswer),
        groundTruth: annotations ? { bench, questions: first, annotations } : null,
      };
    case "coco":
    case "flickr30k":
      return {
        items: readCaptionImages(first, files.captionPrompt),
        groundTruth: { bench, annotations: annotations ?? first },
      };
    case "pope": {
      const splits = popeSplitFiles(data);
      return { items: readPopeSplits(splits, shortAnswer), groundTruth: { bench, splits } };
    }
    case "mme":
      return { items: readMmeDir(first, shortAnswer), groundTruth: { bench } };
  }
}
