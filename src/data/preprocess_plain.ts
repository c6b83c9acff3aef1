// LLaVA's `preprocess_plain` (stage 1): "<image>" + caption + "\n", loss on the caption and the "\n" only.
import type { Tokenizer } from "../io/tokenizer.ts";
import { DEFAULT_IMAGE_TOKEN, IGNORE_INDEX } from "./constants.ts";
import type { Turn } from "./sample.ts";
import type { TokenizedSample } from "./tokenized_sample.ts";
import { countImageTokens, tokenizerImageToken } from "./tokenizer_image_token.ts";

export function preprocessPlain(turns: readonly Turn[], tokenizer: Tokenizer, sep = "\n"): TokenizedSample {
  if (turns.length !== 2 || !turns[0].value.includes(DEFAULT_IMAGE_TOKEN)) {
    throw new Error('plain: needs exactly two turns with "<image>" in the first');
  }
  // The instruction text of turn 0 is dropped: only the image conditions the caption.
  const inputIds = tokenizerImageToken(DEFAULT_IMAGE_TOKEN + turns[1].value + sep, tokenizer);
  const masked = tokenizerImageToken(DEFAULT_IMAGE_TOKEN, tokenizer).length;
  const labels = inputIds.map((id, i) => (i < masked ? IGNORE_INDEX : id));
  return { inputIds, labels, numImages: countImageTokens(inputIds), mismatch: false };
}
