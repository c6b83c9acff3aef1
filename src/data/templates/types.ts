// A conversation template renders a list of turns into the model's prompt string.
export type Role = "user" | "assistant";

/** One turn; `content: null` on a final assistant turn asks for the generation prompt (LLaVA's `None`). */
export interface Message {
  role: Role;
  content: string | null;
}

/** How labels are masked: LLaVA's separator styles, or a tokenizer's Jinja chat template. "single" (v0) has
 * no masking here: it only renders evaluation prompts. */
export type TemplateStyle = "plain" | "single" | "two" | "llama_2" | "chat_template";

export interface RenderOptions {
  /**
   * LLaVA's `get_prompt()` image handling: when the first message carries an image, "<image>" is
   * removed from it and put back in front as "<image>\n".
   */
  image?: boolean;
  /** Replaces the template's system prompt (LLaVA's conv.system). */
  system?: string;
}

export interface ConversationTemplate {
  readonly name: string;
  readonly style: TemplateStyle;
  /** Template-specific separators the label masking splits on (LLaVA's `sep`, `sep2`, roles). */
  readonly sep: string;
  readonly sep2: string | null;
  readonly roles: readonly [string, string];
  render(messages: readonly Message[], options?: RenderOptions): string;
}
