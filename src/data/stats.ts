// Dataset statistics for `lntune data stats`: sample and type counts, images (found means decodable within
// the pixel limit, as training will need them), bad samples by reason and, with a tokenizer, token lengths
// (image placeholders count as one token, before expansion).
import { stat } from "node:fs/promises";
import { DEFAULT_MAX_PIXELS, decodeImage, ImageError } from "../io/image.ts";
import type { Tokenizer } from "../io/tokenizer.ts";
import { type SubsetOptions, selectSubset } from "./data_types.ts";
import { resolveImagePath } from "./image_path.ts";
import { loadSamples } from "./load_samples.ts";
import { preprocess } from "./preprocess.ts";
import type { BadReason } from "./sample.ts";
import type { ConversationTemplate } from "./templates/types.ts";

export interface TypeStats {
  samples: number;
  /** Sum of input ids over the type's samples (with a tokenizer). */
  tokens?: number;
  /** Sum of unmasked labels. */
  trainedTokens?: number;
}

export interface DatasetStats {
  samples: number;
  withImage: number;
  types: Record<string, TypeStats>;
  images: { found: number; missing: number; undecodable: number; tooLarge: number };
  bad: Partial<Record<BadReason, number>>;
  /** Token-length histogram: counts[i] samples with edges[i] <= length < edges[i+1] (last bucket open). */
  lengths?: { edges: number[]; counts: number[]; min: number; max: number; mean: number };
}

export interface StatsOptions {
  imageFolder: string;
  tokenizer?: Tokenizer;
  template?: ConversationTemplate;
  typeIndex?: Map<string, string>;
  subset?: SubsetOptions;
  maxPixels?: number;
}

/** Why an existing image file cannot be used in training, or null when it decodes within the limit. */
async function imageProblem(file: string, maxPixels: number): Promise<BadReason | null> {
  try {
    await decodeImage(file, { maxPixels });
    return null;
  } catch (err) {
    if (!(err instanceof ImageError)) throw err;
    return err.kind === "too_large" ? "image_too_large" : "image_undecodable";
  }
}

const EDGES = [0, 64, 128, 256, 512, 1024, 2048, 4096];

export async function datasetStats(path: string, options: StatsOptions): Promise<DatasetStats> {
  const plain = options.template?.style === "plain";
  const loaded = await loadSamples(path, {
    plain,
    typeIndex: options.typeIndex,
    imageFolder: options.imageFolder,
  });
  const bad = loaded.bad;
  const samples = options.subset ? selectSubset(loaded.samples, options.subset) : loaded.samples;
  const images = { found: 0, missing: 0, undecodable: 0, tooLarge: 0 };
  const stats: DatasetStats = { samples: 0, withImage: 0, types: {}, images, bad };
  const lengths: number[] = [];
  const count = (reason: BadReason) => {
    bad[reason] = (bad[reason] ?? 0) + 1;
  };
  for (const { sample, type } of samples) {
    if (sample.image !== undefined) {
      const file = resolveImagePath(options.imageFolder, sample.image) as string;
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        images.missing++;
        count("image_missing");
        continue;
      }
      const problem = await imageProblem(file, options.maxPixels ?? DEFAULT_MAX_PIXELS);
      if (problem !== null) {
        if (problem === "image_too_large") images.tooLarge++;
        else images.undecodable++;
        count(problem);
        continue;
      }
      images.found++;
      stats.withImage++;
    }
    const entry = stats.types[type] ?? { samples: 0 };
    stats.types[type] = entry;
    entry.samples++;
    stats.samples++;
    if (options.tokenizer && options.template) {
      const tokenized = preprocess(sample.conversations, options.tokenizer, options.template, {
        hasImage: sample.image !== undefined,
      });
      if (tokenized.mismatch) count("tokenization_mismatch");
      entry.tokens = (entry.tokens ?? 0) + tokenized.inputIds.length;
      entry.trainedTokens = (entry.trainedTokens ?? 0) + tokenized.labels.filter((l) => l >= 0).length;
      lengths.push(tokenized.inputIds.length);
    }
  }
  if (lengths.length > 0) {
    const counts = EDGES.map(
      (edge, i) => lengths.filter((n) => n >= edge && (i === EDGES.length - 1 || n < EDGES[i + 1])).length,
    );
    stats.lengths = {
      edges: EDGES,
      counts,
      min: Math.min(...lengths),
      max: Math.max(...lengths),
      mean: lengths.reduce((a, b) => a + b, 0) / lengths.length,
    };
  }
  return stats;
}
