// Fields of tokenizer_config.json shared by the tokenizer and the tokenizer.model conversion.

/** A special token as tokenizer_config.json writes it: a string, an AddedToken object or null. */
export function tokenContent(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value === "string") return value;
  const content = (value as { content?: unknown }).content;
  return typeof content === "string" ? content : null;
}
