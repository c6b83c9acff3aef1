// LLaVA's `tokenizer_image_token` (llava/mm_utils.py): tokenise around "<image>" and put the placeholder id
// IMAGE_TOKEN_INDEX in its place. Each chunk is tokenised on its own (with its BOS); one BOS is kept at the front.
import type { Tokenizer } from "../io/tokenizer.ts";
import { DEFAULT_IMAGE_TOKEN, IMAGE_TOKEN_INDEX } from "./constants.ts";

export function tokenizerImageToken(
  prompt: string,
  tokenizer: Tokenizer,
  options: { addSpecialTokens?: boolean } = {},
): number[] {
  const addSpecialTokens = options.addSpecialTokens ?? true;
  const chunks = prompt
    .split(DEFAULT_IMAGE_TOKEN)
    .map((chunk) => tokenizer.encode(chunk, { addSpecialTokens }));
  const first = chunks[0];
  // Only a BOS the tokenizer added is dropped from later chunks; one written in the text (chat templates) is kept.
  const offset = addSpecialTokens && first.length > 0 && first[0] === tokenizer.bosTokenId ? 1 : 0;
  const ids: number[] = offset === 1 ? [first[0]] : [];
  chunks.forEach((chunk, i) => {
    if (i > 0) ids.push(IMAGE_TOKEN_INDEX);
    // LLaVA drops the first `offset` ids of every chunk, assuming each starts with BOS.
    for (let j = offset; j < chunk.length; j++) ids.push(chunk[j]);
  });
  return ids;
}

/** Number of image placeholders in a tokenised prompt. */
export function countImageTokens(ids: readonly number[]): number {
  let n = 0;
  for (const id of ids) if (id === IMAGE_TOKEN_INDEX) n++;
  return n;
}
