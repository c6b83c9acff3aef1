// LLaVA's DataCollatorForSupervisedDataset: right-pad ids with the pad id and labels with IGNORE_INDEX, cut to
// model_max_length, and stack images (text-only samples in a multimodal batch get an all-zero image).
import { IGNORE_INDEX } from "./constants.ts";
import type { TokenizedSample } from "./tokenized_sample.ts";

export interface Batch {
  batchSize: number;
  seqLen: number;
  /** [batchSize, seqLen] row-major. */
  inputIds: Int32Array;
  labels: Int32Array;
  /**
   * 1 on real tokens. Built from the sample lengths, where LLaVA uses `input_ids != pad_id`: the two differ
   * only when the text itself contains the pad token (LLaVA's pad is <unk>).
   */
  attentionMask: Uint8Array;
  /** [batchSize, 3, H, W] when any sample has an image; zeros for text-only samples. */
  pixelValues: Float32Array | null;
  hasImage: boolean[];
}

export interface CollateItem {
  sample: TokenizedSample;
  /** CHW float32 of one image, or null for a text-only sample. */
  pixelValues: Float32Array | null;
}

export function collate(items: readonly CollateItem[], padTokenId: number, maxLength?: number): Batch {
  const batchSize = items.length;
  const longest = Math.max(0, ...items.map((it) => it.sample.inputIds.length));
  const seqLen = maxLength === undefined ? longest : Math.min(longest, maxLength);
  const inputIds = new Int32Array(batchSize * seqLen).fill(padTokenId);
  const labels = new Int32Array(batchSize * seqLen).fill(IGNORE_INDEX);
  const attentionMask = new Uint8Array(batchSize * seqLen);
  items.forEach(({ sample }, b) => {
    const n = Math.min(sample.inputIds.length, seqLen);
    inputIds.set(sample.inputIds.slice(0, n), b * seqLen);
    labels.set(sample.labels.slice(0, n), b * seqLen);
    attentionMask.fill(1, b * seqLen, b * seqLen + n);
  });
  const hasImage = items.map((it) => it.pixelValues !== null);
  const imageSize = items.find((it) => it.pixelValues !== null)?.pixelValues?.length ?? 0;
  let pixelValues: Float32Array | null = null;
  if (imageSize > 0) {
    pixelValues = new Float32Array(batchSize * imageSize);
    items.forEach(({ pixelValues: pv }, b) => {
      if (pv === null) return;
      if (pv.length !== imageSize) throw new Error("collate: images in a batch must have the same shape");
      pixelValues?.set(pv, b * imageSize);
    });
  }
  return { batchSize, seqLen, inputIds, labels, attentionMask, pixelValues, hasImage };
}
