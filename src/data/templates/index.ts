// Template registry, keyed by LLaVA's `conv_templates` names (the `--version` training argument).
import type { Tokenizer } from "../../io/tokenizer.ts";
import { chatTemplate } from "./chat_template.ts";
import { llama2, llavaLlama2 } from "./llama_2.ts";
import { plain } from "./plain.ts";
import type { ConversationTemplate } from "./types.ts";
import { v0 } from "./v0.ts";
import { llavaV1, vicunaV1 } from "./vicuna_v1.ts";

export type { ConversationTemplate, Message, RenderOptions, Role, TemplateStyle } from "./types.ts";

const TEMPLATES: Record<string, ConversationTemplate> = {
  plain,
  v0,
  v0_plain: plain,
  v1: vicunaV1,
  vicuna_v1: vicunaV1,
  llava_v1: llavaV1,
  llama_2: llama2,
  llava_llama_2: llavaLlama2,
};

export const TEMPLATE_NAMES: readonly string[] = [...Object.keys(TEMPLATES), "chat_template"].sort();

/** Looks a template up by name; "chat_template" uses the tokenizer's own Jinja template. */
export function getTemplate(name: string, tokenizer?: Tokenizer): ConversationTemplate {
  if (name === "chat_template") {
    if (!tokenizer) throw new Error('template "chat_template" needs a tokenizer');
    return chatTemplate(tokenizer);
  }
  const template = TEMPLATES[name];
  if (!template) throw new Error(`unknown template "${name}" (known: ${TEMPLATE_NAMES.join(", ")})`);
  return template;
}
