// A collated batch as the LLaVA model's inputs: LLaVA's −200 placeholders become the checkpoint's image token.
import { toModelImageToken } from "../models/llava/image_token.ts";
import type { LlavaForConditionalGeneration, LlavaInputs } from "../models/llava/model.ts";
import type { Batch } from "./collate.ts";

/** The batch's ids, mask, labels and images; the caller adds what it wants computed (logits, hidden states). */
export function batchInputs(model: LlavaForConditionalGeneration, b: Batch): LlavaInputs {
  return {
    inputIds: toModelImageToken(b.inputIds, model.config),
    batch: b.batchSize,
    seqLen: b.seqLen,
    attentionMask: b.attentionMask,
    labels: b.labels,
    pixelValues: b.pixelValues ?? undefined,
  };
}
