// Reads a data file into validated samples with their types; bad samples are dropped and counted by reason.
import { stat } from "node:fs/promises";
import { inferDataType } from "./data_types.ts";
import { readDataset } from "./dataset_reader.ts";
import { resolveImagePath } from "./image_path.ts";
import { type BadReason, type LlavaSample, validateSample } from "./sample.ts";

export interface LoadedSample {
  sample: LlavaSample;
  /** Position in the file. */
  index: number;
  type: string;
}

export interface LoadOptions {
  /** Stage-1 ("plain") rules: two turns, "<image>" in the first. */
  plain?: boolean;
  /** (id, first question) → type, see data_types.ts. */
  typeIndex?: Map<string, string>;
  /** Throw on the first bad sample instead of counting it. */
  strict?: boolean;
  /** When given, image paths escaping it are rejected here already. */
  imageFolder?: string;
  /** With imageFolder: also drop (and count) samples whose image file does not exist, so a run finds out at
   * the start rather than batch by batch. */
  checkImagesExist?: boolean;
}

export interface LoadResult {
  samples: LoadedSample[];
  bad: Partial<Record<BadReason, number>>;
}

export async function loadSamples(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const samples: LoadedSample[] = [];
  const bad: Partial<Record<BadReason, number>> = {};
  for await (const record of readDataset(path)) {
    let reason = validateSample(record.value, { plain: options.plain });
    const sample = record.value as LlavaSample;
    if (reason === null && options.imageFolder !== undefined && sample.image !== undefined) {
      const file = resolveImagePath(options.imageFolder, sample.image);
      if (file === null) reason = "image_path_escapes";
      else if (options.checkImagesExist && !(await stat(file).catch(() => null))?.isFile())
        reason = "image_missing";
    }
    if (reason !== null) {
      const where = record.line !== undefined ? `line ${record.line}` : `sample ${record.index}`;
      if (options.strict) throw new Error(`${path}: ${where}: ${reason}`);
      bad[reason] = (bad[reason] ?? 0) + 1;
      continue;
    }
    samples.push({ sample, index: record.index, type: inferDataType(sample, path, options.typeIndex) });
  }
  return { samples, bad };
}
