// LLaVA's `preprocess` dispatch: one sample's turns → input ids (with image placeholders) and labels.
import type { Tokenizer } from "../io/tokenizer.ts";
import { maskRounds } from "./mask_rounds.ts";
import { preprocessChatTemplate } from "./preprocess_chat_template.ts";
import { preprocessMultimodal } from "./preprocess_multimodal.ts";
import { preprocessPlain } from "./preprocess_plain.ts";
import { type Turn, toMessages } from "./sample.ts";
import type { ConversationTemplate } from "./templates/types.ts";
import type { TokenizedSample } from "./tokenized_sample.ts";

export interface PreprocessOptions {
  /** The sample has an image: "<image>" becomes the IMAGE_TOKEN_INDEX placeholder. */
  hasImage: boolean;
  /** LLaVA's model_max_length (text-only truncation and the mismatch check's bound). */
  modelMaxLength?: number;
}

/** Turns a validated sample (see validateSample) into ids and labels, as LLaVA trains on it. */
export function preprocess(
  turns: readonly Turn[],
  tokenizer: Tokenizer,
  template: ConversationTemplate,
  options: PreprocessOptions,
): TokenizedSample {
  // Label masking for SeparatorStyle.SINGLE is not implemented: maskRounds would split on llama_2's "[/INST] ".
  if (template.style === "single")
    throw new Error(
      `template "${template.name}" renders evaluation prompts only; it cannot be used for training`,
    );
  const sources = options.hasImage ? preprocessMultimodal(turns) : [...turns];
  if (template.style === "plain") return preprocessPlain(sources, tokenizer, template.sep);
  const messages = toMessages(sources);
  if (template.style === "chat_template") {
    return preprocessChatTemplate(messages, tokenizer, template, { hasImage: options.hasImage });
  }
  const conversation = template.render(messages);
  const sep2 = template.sep2 as string;
  return maskRounds(conversation, tokenizer, {
    // v1: " ASSISTANT: "; llama_2: "[/INST] ".
    sep: template.style === "two" ? `${template.sep}${template.roles[1]}: ` : "[/INST] ",
    sep2,
    hasImage: options.hasImage,
    nonLegacyAdjust: template.style === "two" && !tokenizer.legacy,
    modelMaxLength: options.modelMaxLength,
  });
}
