// LLaVA's `Conversation.get_prompt()` step for a first message that carries an image.
import { DEFAULT_IMAGE_TOKEN } from "../constants.ts";
import { pyStrip } from "../py_string.ts";
import type { Message, RenderOptions } from "./types.ts";

export function withImageFirst(
  messages: readonly Message[],
  options: RenderOptions = {},
): readonly Message[] {
  if (!options.image || messages.length === 0 || messages[0].content === null) return messages;
  const text = pyStrip(messages[0].content.replaceAll(DEFAULT_IMAGE_TOKEN, ""));
  return [{ role: messages[0].role, content: `${DEFAULT_IMAGE_TOKEN}\n${text}` }, ...messages.slice(1)];
}
