// LLaVA's `preprocess_multimodal`: in every turn that mentions "<image>", move it to the front as "<image>\n".
import { DEFAULT_IMAGE_TOKEN } from "./constants.ts";
import { pyStrip } from "./py_string.ts";
import type { Turn } from "./sample.ts";

export function preprocessMultimodal(turns: readonly Turn[]): Turn[] {
  return turns.map((turn) => {
    if (!turn.value.includes(DEFAULT_IMAGE_TOKEN)) return turn;
    const text = pyStrip(turn.value.replaceAll(DEFAULT_IMAGE_TOKEN, ""));
    return { ...turn, value: pyStrip(`${DEFAULT_IMAGE_TOKEN}\n${text}`) };
  });
}
