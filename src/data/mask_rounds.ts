// The round-by-round label masking shared by LLaVA's `preprocess_v1` and `preprocess_llama_2`: split the
// prompt into rounds on `sep2`, each round into instruction and answer on `sep`, and count tokens of each
// piece tokenised on its own. Loss is kept on every answer and its closing `sep2` token.
import type { Tokenizer } from "../io/tokenizer.ts";
import { IGNORE_INDEX } from "./constants.ts";
import type { TokenizedSample } from "./tokenized_sample.ts";
import { countImageTokens, tokenizerImageToken } from "./tokenizer_image_token.ts";

export interface MaskRoundsOptions {
  /** Splits a round into instruction and answer; it stays with the instruction (" ASSISTANT: ", "[/INST] "). */
  sep: string;
  /** Ends each round ("</s>"). */
  sep2: string;
  hasImage: boolean;
  /**
   * preprocess_v1's correction for non-legacy tokenizers (tokenizers >= 0.14): text after "</s>" gets no
   * "▁" prefix in the full prompt, so rounds after the first are one token shorter than tokenised alone.
   */
  nonLegacyAdjust: boolean;
  /** LLaVA's model_max_length: text-only prompts are truncated to it and it bounds the mismatch check. */
  modelMaxLength?: number;
}

export function maskRounds(
  conversation: string,
  tokenizer: Tokenizer,
  options: MaskRoundsOptions,
): TokenizedSample {
  const maxLength = options.modelMaxLength ?? Number.POSITIVE_INFINITY;
  const tokenize = (text: string) =>
    options.hasImage ? tokenizerImageToken(text, tokenizer) : tokenizer.encode(text);
  // Like LLaVA, only the text-only path truncates here; image prompts are truncated by the collator.
  const inputIds = options.hasImage ? tokenize(conversation) : tokenize(conversation).slice(0, maxLength);
  const labels = [...inputIds];
  const totalLen = inputIds.filter((id) => id !== tokenizer.padTokenId).length;

  // Position 0 is BOS.
  let curLen = 1;
  labels[0] = IGNORE_INDEX;
  const rounds = conversation.split(options.sep2);
  for (let i = 0; i < rounds.length; i++) {
    const round = rounds[i];
    if (round === "") break;
    const parts = round.split(options.sep);
    if (parts.length !== 2) break;
    let roundLen = tokenize(round).length;
    // Minus BOS, and minus the lone "▁" that sep's trailing space yields alone but that merges into the
    // answer's first token in context.
    let instructionLen = tokenize(parts[0] + options.sep).length - 2;
    if (i !== 0 && options.nonLegacyAdjust) {
      roundLen -= 1;
      instructionLen -= 1;
    }
    for (let j = curLen; j < Math.min(curLen + instructionLen, labels.length); j++) labels[j] = IGNORE_INDEX;
    curLen += roundLen;
  }
  for (let j = curLen; j < labels.length; j++) labels[j] = IGNORE_INDEX;

  const mismatch = curLen < maxLength && curLen !== totalLen;
  if (mismatch) labels.fill(IGNORE_INDEX);
  return { inputIds, labels, numImages: countImageTokens(inputIds), mismatch };
}
