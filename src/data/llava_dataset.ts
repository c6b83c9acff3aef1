// A LLaVA-format dataset as deterministic training batches: batch(epoch, index) always yields the same
// samples (the order is a function of seed and epoch), tokenised with the template's label masking, images
// decoded and preprocessed, collated with right padding. The next batch is prepared while the current one
// trains, so image decoding (on sharp's threads) overlaps compute.

import type { CLIPImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import type { Tokenizer } from "../io/tokenizer.ts";
import { makeBatches } from "./batching.ts";
import type { ImageAspectRatio } from "./clip_preprocess.ts";
import { type Batch, type CollateItem, collate } from "./collate.ts";
import { type SubsetOptions, selectSubset } from "./data_types.ts";
import { type LoadedSample, loadSamples } from "./load_samples.ts";
import { preprocess } from "./preprocess.ts";
import type { BadReason } from "./sample.ts";
import { loadSampleImage } from "./sample_image.ts";
import type { ConversationTemplate } from "./templates/types.ts";
import { truncateSample } from "./truncation.ts";

export interface LlavaDatasetOptions {
  dataPath: string;
  imageFolder: string;
  tokenizer: Tokenizer;
  template: ConversationTemplate;
  processor: CLIPImageProcessorConfig;
  aspectRatio?: ImageAspectRatio;
  batchSize: number;
  seed: number;
  /** LLaVA's model_max_length (token ids before image expansion). */
  maxLength?: number;
  groupByLength?: boolean;
  strict?: boolean;
  /** A data-type subset (types, then a seeded subsample). */
  subset?: SubsetOptions;
}

type SkipReason = BadReason | "tokenization_mismatch";
const TRUNCATED = "truncated";

export interface DatasetBatch extends Batch {
  /** Samples of this batch that carry loss (mismatched or emptied ones do not). */
  samples: number;
  /** Why samples of this batch were dropped or masked. */
  skippedHere: SkipReason[];
  /** Samples of this batch cut to maxLength. */
  truncatedHere: number;
}

export class LlavaDataset {
  /** Skips counted at open and in every batch handed out (a prefetched batch counts once it is used), and
   * under "truncated" the samples cut to maxLength. One record, so that a trainer can save and restore it. */
  readonly counts: Partial<Record<SkipReason | typeof TRUNCATED, number>> = {};
  private orders = new Map<number, number[][]>();
  private ahead: { key: string; promise: Promise<DatasetBatch> } | null = null;

  private constructor(
    readonly opts: LlavaDatasetOptions,
    readonly samples: LoadedSample[],
  ) {}

  static async open(opts: LlavaDatasetOptions): Promise<LlavaDataset> {
    const plain = opts.template.style === "plain";
    const { samples, bad } = await loadSamples(opts.dataPath, {
      plain,
      strict: opts.strict,
      imageFolder: opts.imageFolder,
      checkImagesExist: true,
    });
    const kept = selectSubset(samples, { seed: opts.seed, ...opts.subset });
    if (kept.length === 0)
      throw new Error(
        `${opts.dataPath}: no usable samples (skipped: ${JSON.stringify(bad)}; images from ${opts.imageFolder})`,
      );
    const ds = new LlavaDataset(opts, kept);
    Object.assign(ds.counts, bad);
    return ds;
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.samples.length / this.opts.batchSize);
  }

  /** LLaVA's length heuristic for grouping: word count, plus 128 for an image. */
  private lengths(): number[] {
    return this.samples.map(
      ({ sample }) =>
        sample.conversations.reduce((n, t) => n + t.value.split(/\s+/).length, 0) + (sample.image ? 128 : 0),
    );
  }

  private order(epoch: number): number[][] {
    let o = this.orders.get(epoch);
    if (!o) {
      const { batchSize, seed, groupByLength } = this.opts;
      o = makeBatches(
        this.samples.length,
        { batchSize, seed, groupByLength, lengths: groupByLength ? this.lengths() : undefined },
        epoch,
      );
      this.orders.clear();
      this.orders.set(epoch, o);
    }
    return o;
  }

  /** The batch at (epoch, index); the one at `next` (by default the following one) is prepared meanwhile. */
  async batch(epoch: number, index: number, next?: readonly [number, number]): Promise<DatasetBatch> {
    const key = `${epoch}:${index}`;
    const ready = this.ahead?.key === key ? this.ahead.promise : this.build(epoch, index);
    const [nextEpoch, nextIndex] =
      next ?? (index + 1 < this.batchesPerEpoch ? [epoch, index + 1] : [epoch + 1, 0]);
    this.ahead = { key: `${nextEpoch}:${nextIndex}`, promise: this.build(nextEpoch, nextIndex) };
    // An unawaited prefetch that fails is reported when (and if) that batch is asked for.
    this.ahead.promise.catch(() => {});
    const batch = await ready;
    for (const reason of batch.skippedHere) this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    if (batch.truncatedHere > 0) this.counts[TRUNCATED] = (this.counts[TRUNCATED] ?? 0) + batch.truncatedHere;
    return batch;
  }

  /** Samples left out, by reason. */
  get skipped(): Partial<Record<SkipReason, number>> {
    const { [TRUNCATED]: _, ...skipped } = this.counts;
    return skipped;
  }

  /** Samples cut to maxLength. */
  get truncated(): number {
    return this.counts[TRUNCATED] ?? 0;
  }

  /** The batch at (epoch, index) without prefetching or counting skips: for probes that look at fixed
   * batches outside the training stream. */
  peek(epoch: number, index: number): Promise<DatasetBatch> {
    return this.build(epoch, index);
  }

  private async build(epoch: number, index: number): Promise<DatasetBatch> {
    const { tokenizer, template, maxLength } = this.opts;
    const skippedHere: SkipReason[] = [];
    let truncatedHere = 0;
    const picked = this.order(epoch)[index].map((i) => this.samples[i]);
    const items = await Promise.all(
      picked.map(async ({ sample }): Promise<CollateItem | null> => {
        let pixelValues: Float32Array | null = null;
        if (sample.image !== undefined) {
          const img = await loadSampleImage(sample.image, {
            imageFolder: this.opts.imageFolder,
            processor: this.opts.processor,
            aspectRatio: this.opts.aspectRatio,
            strict: this.opts.strict,
          });
          if ("bad" in img) {
            skippedHere.push(img.bad);
            return null;
          }
          pixelValues = img.pixelValues;
        }
        let tokenized = preprocess(sample.conversations, tokenizer, template, {
          hasImage: pixelValues !== null,
          modelMaxLength: maxLength,
        });
        if (tokenized.mismatch) skippedHere.push("tokenization_mismatch");
        if (maxLength !== undefined && tokenized.inputIds.length > maxLength) {
          tokenized = truncateSample(tokenized, maxLength);
          truncatedHere++;
        }
        return { sample: tokenized, pixelValues };
      }),
    );
    const good = items.filter((x): x is CollateItem => x !== null);
    const batch = collate(good, tokenizer.padTokenId, maxLength);
    // The splice wants one image per placeholder, so text-only rows contribute no (zero) image.
    if (batch.pixelValues) {
      const per = batch.pixelValues.length / batch.batchSize;
      const kept = good.flatMap((it, b) => (it.pixelValues ? [b] : []));
      const pixels = new Float32Array(kept.length * per);
      kept.forEach((b, k) => {
        pixels.set(batch.pixelValues!.subarray(b * per, (b + 1) * per), k * per);
      });
      batch.pixelValues = pixels;
    }
    return { ...batch, samples: good.filter((it) => !it.sample.mismatch).length, skippedHere, truncatedHere };
  }
}
