// LLaVA's data pipeline and prompts mark each image with its placeholder −200 (llava/constants.py
// IMAGE_TOKEN_INDEX); a llava-hf checkpoint's splice looks for its config's image_token_index instead (32000
// in llava-1.5-7b-hf). Every caller that feeds LLaVA-tokenized ids to a model maps them here.
import { LLAVA_IMAGE_TOKEN_INDEX, type LlavaConfig } from "../families/llava/config.ts";

/** `ids` with each −200 replaced by the checkpoint's image token; the same ids when that token is −200
 * (the original layout). */
export function toModelImageToken<T extends Int32Array | number[]>(ids: T, config: LlavaConfig): T {
  const token = config.imageTokenIndex;
  if (token === LLAVA_IMAGE_TOKEN_INDEX) return ids;
  const map = (id: number) => (id === LLAVA_IMAGE_TOKEN_INDEX ? token : id);
  return (ids instanceof Int32Array ? ids.map(map) : ids.map(map)) as T;
}
