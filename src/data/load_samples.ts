// Reads a data file into validated samples with their types; bad samples are dropped and counted by reason.
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
      if (resolveImagePath(options.imageFolder, sample.image) === null) reason = "image_path_escapes";
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
