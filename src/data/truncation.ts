// LLaVA truncates twice: the collator cuts ids to model_max_length before the image placeholders are expanded,
// and the model cuts the spliced embeddings to the same length afterwards (an image adds numImageTokens − 1
// positions). These helpers give both views so the engine can apply the second cut.
import { IGNORE_INDEX, IMAGE_TOKEN_INDEX } from "./constants.ts";
import type { TokenizedSample } from "./tokenized_sample.ts";
import { countImageTokens } from "./tokenizer_image_token.ts";

/** The collator's cut, before image expansion. */
export function truncateSample(sample: TokenizedSample, maxLength: number): TokenizedSample {
  if (sample.inputIds.length <= maxLength) return sample;
  const inputIds = sample.inputIds.slice(0, maxLength);
  return {
    ...sample,
    inputIds,
    labels: sample.labels.slice(0, maxLength),
    numImages: countImageTokens(inputIds),
  };
}

/** Sequence length once every placeholder is replaced by `numImageTokens` image features. */
export function expandedLength(inputIds: readonly number[], numImageTokens: number): number {
  return inputIds.length + countImageTokens(inputIds) * (numImageTokens - 1);
}

/**
 * Labels aligned with the expanded sequence (image positions get IGNORE_INDEX, as in LLaVA's
 * prepare_inputs_labels_for_multimodal), cut to `maxLength` like the model's second truncation.
 */
export function expandLabels(
  labels: readonly number[],
  inputIds: readonly number[],
  numImageTokens: number,
  maxLength = Number.POSITIVE_INFINITY,
): number[] {
  const out: number[] = [];
  inputIds.forEach((id, i) => {
    if (id === IMAGE_TOKEN_INDEX) for (let k = 0; k < numImageTokens; k++) out.push(IGNORE_INDEX);
    else out.push(labels[i]);
  });
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}
