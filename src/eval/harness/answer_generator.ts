// Prompt encoding and batched answer generation for a LLaVA model: left-padded prompts, the image features
// spliced in, decoding until EOS, answers decoded without special tokens and stripped (model_vqa_loader.py).
// What consecutive questions about an image share is computed once (answer_reuse.ts).
import { pyStrip } from "../../data/py_string.ts";
import { tokenizerImageToken } from "../../data/tokenizer_image_token.ts";
import { generate, leftPad } from "../../models/generation.ts";
import { toModelImageToken } from "../../models/llava/image_token.ts";
import type { EvalModel } from "./eval_model.ts";

export interface DecodingOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

/** Token ids of a rendered prompt, with the model's own image placeholder id. */
export function encodePrompt(m: EvalModel, prompt: string): number[] {
  const vocab = m.model.text.vocab_size;
  const ids = toModelImageToken(tokenizerImageToken(prompt, m.tokenizer), m.model.config);
  const placeholder = m.model.config.imageTokenIndex;
  // A tokenizer of another model would index outside the embedding table.
  const bad = ids.find((id) => id !== placeholder && (id < 0 || id >= vocab));
  if (bad !== undefined)
    throw new Error(`token id ${bad} is outside the model's vocabulary (${vocab}); wrong tokenizer?`);
  return ids;
}

function concatPixels(pixels: readonly Float32Array[], perImage: number): Float32Array {
  const out = new Float32Array(pixels.length * perImage);
  for (const [i, p] of pixels.entries()) out.set(p, i * perImage);
  return out;
}

/** One answer per prompt; `pixels[i]` is prompt i's preprocessed image [3, S, S]. With the model's reuse
 * (eval_model.ts), image features and shared prompt prefixes are computed once. */
export function generateAnswers(
  m: EvalModel,
  prompts: readonly number[][],
  pixels: readonly Float32Array[],
  decoding: DecodingOptions,
): string[] {
  const batch = leftPad([...prompts], m.tokenizer.padTokenId);
  const S = m.model.vision_tower.config.image_size;
  const perImage = 3 * S * S;
  for (const p of pixels)
    if (p.length !== perImage)
      throw new Error(`a preprocessed image has ${p.length} values; the tower takes 3x${S}x${S}`);
  const images = m.reuse
    ? { imageFeatures: m.reuse.imageFeatures(m.model, pixels) }
    : { pixelValues: concatPixels(pixels, perImage) };
  const { embeds, plan } = m.model.embedMultimodal({
    inputIds: batch.inputIds!,
    batch: batch.batch,
    seqLen: batch.seqLen,
    attentionMask: batch.attentionMask,
    ...images,
    // The batch is left padded for generation; the splice keeps the padding on the left.
    paddingSide: "left",
  });
  const eos = m.tokenizer.eosTokenId;
  // One prompt at a time continues the keys and values of the prefix it shares with the one before.
  const cache =
    m.reuse && plan.batch === 1
      ? m.reuse.prefixCache(m.model, embeds, plan.seqLen + decoding.maxNewTokens)
      : undefined;
  const tokens = generate(
    m.model.language_model,
    { batch: plan.batch, seqLen: plan.seqLen, inputsEmbeds: embeds, attentionMask: plan.attentionMask },
    { ...decoding, eosTokenIds: eos === null ? undefined : [eos], cache },
  );
  return tokens.map((ids) => pyStrip(m.tokenizer.decode(ids, { skipSpecialTokens: true })));
}
