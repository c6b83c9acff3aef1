// A tokenizer's Jinja `chat_template` (tokenizer_config.json), rendered like HF's apply_chat_template.
import { Template } from "@huggingface/jinja";
import type { Tokenizer } from "../../io/tokenizer.ts";
import { withImageFirst } from "./image_first.ts";
import type { ConversationTemplate } from "./types.ts";

export function chatTemplate(tokenizer: Tokenizer): ConversationTemplate {
  if (tokenizer.chatTemplate === null) throw new Error("the tokenizer has no chat_template");
  const template = new Template(tokenizer.chatTemplate);
  const specials = {
    bos_token: tokenizer.bosToken ?? "",
    eos_token: tokenizer.eosToken ?? "",
    unk_token: tokenizer.unkToken ?? "",
    pad_token: tokenizer.idToToken(tokenizer.padTokenId) ?? "",
  };
  return {
    name: "chat_template",
    style: "chat_template",
    sep: "",
    sep2: null,
    roles: ["user", "assistant"],
    render(messages, options) {
      const list = withImageFirst(messages, options);
      // A trailing empty assistant turn stands for HF's add_generation_prompt.
      const last = list.at(-1);
      const addGenerationPrompt = last?.role === "assistant" && last.content === null;
      const shown = addGenerationPrompt ? list.slice(0, -1) : list;
      return template.render({
        ...specials,
        messages: [
          ...(options?.system !== undefined ? [{ role: "system", content: options.system }] : []),
          ...shown.map(({ role, content }) => ({ role, content: content ?? "" })),
        ],
        add_generation_prompt: addGenerationPrompt,
      });
    },
  };
}
