// Label masking for a tokenizer's Jinja chat template: loss on the assistant turns only. Each assistant span is
// found by rendering prefixes of the conversation (with and without the generation prompt) and counting their
// tokens, as HF's apply_chat_template tokenises (the template writes its own BOS, so no special tokens are added).
import type { Tokenizer } from "../io/tokenizer.ts";
import { IGNORE_INDEX } from "./constants.ts";
import type { ConversationTemplate, Message } from "./templates/types.ts";
import type { TokenizedSample } from "./tokenized_sample.ts";
import { countImageTokens, tokenizerImageToken } from "./tokenizer_image_token.ts";

function startsWith(ids: readonly number[], prefix: readonly number[]): boolean {
  return prefix.length <= ids.length && prefix.every((id, i) => ids[i] === id);
}

export function preprocessChatTemplate(
  messages: readonly Message[],
  tokenizer: Tokenizer,
  template: ConversationTemplate,
  options: { hasImage: boolean },
): TokenizedSample {
  const tokenize = (text: string) => tokenizerImageToken(text, tokenizer, { addSpecialTokens: false });
  const render = (list: readonly Message[]) => template.render(list, { image: false });
  const inputIds = tokenize(render(messages));
  const labels = new Array<number>(inputIds.length).fill(IGNORE_INDEX);
  let mismatch = false;
  messages.forEach((message, k) => {
    if (message.role !== "assistant" || mismatch) return;
    const before = tokenize(render([...messages.slice(0, k), { role: "assistant", content: null }]));
    const through = tokenize(render(messages.slice(0, k + 1)));
    // The spans only make sense if the prefixes tokenise to prefixes of the whole.
    if (!startsWith(through, before) || !startsWith(inputIds, through)) {
      mismatch = true;
      return;
    }
    for (let j = before.length; j < through.length; j++) labels[j] = inputIds[j];
  });
  if (mismatch) labels.fill(IGNORE_INDEX);
  const numImages = options.hasImage ? countImageTokens(inputIds) : 0;
  return { inputIds, labels, numImages, mismatch };
}
