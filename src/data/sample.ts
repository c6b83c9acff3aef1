// LLaVA's data format: {id, image?, conversations: [{from: "human" | "gpt", value}]}, plus checks that reject
// samples LLaVA would fail on or silently mis-train on.
import { DEFAULT_IMAGE_TOKEN } from "./constants.ts";
import type { Message } from "./templates/types.ts";

export interface Turn {
  from: string;
  value: string;
}

export interface LlavaSample {
  id?: string | number;
  image?: string;
  conversations: Turn[];
  /** Instruction type (conversation, detail, complex_reasoning, ...) when the data carries one. */
  type?: string;
  [key: string]: unknown;
}

/** Why a sample was left out; counted per reason in statistics. */
export type BadReason =
  | "malformed"
  | "unknown_role"
  | "non_alternating_turns"
  | "empty_turn"
  | "image_token_without_image"
  | "image_without_image_token"
  | "plain_needs_two_turns"
  | "image_path_escapes"
  | "image_missing"
  | "image_undecodable"
  | "image_too_large"
  | "tokenization_mismatch";

const ROLES: Record<string, Message["role"]> = { human: "user", gpt: "assistant" };

/** Shape check for a parsed JSON value: an object with a non-empty list of {from, value} strings. */
export function checkShape(value: unknown): value is LlavaSample {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { conversations, image } = value as Record<string, unknown>;
  if (image !== undefined && typeof image !== "string") return false;
  return (
    Array.isArray(conversations) &&
    conversations.length > 0 &&
    conversations.every(
      (t) => typeof t === "object" && t !== null && typeof t.from === "string" && typeof t.value === "string",
    )
  );
}

/** LLaVA drops a leading "gpt" turn, then requires human/gpt to alternate. */
export function toMessages(turns: readonly Turn[]): Message[] {
  const start = turns.length > 0 && turns[0].from === "gpt" ? 1 : 0;
  return turns.slice(start).map((t) => ({ role: ROLES[t.from], content: t.value }));
}

/** The first reason `sample` cannot be trained on, or null. `plain` applies stage-1's extra rules. */
export function validateSample(value: unknown, options: { plain?: boolean } = {}): BadReason | null {
  if (!checkShape(value)) return "malformed";
  const turns = value.conversations;
  if (turns.some((t) => !(t.from in ROLES))) return "unknown_role";
  const messages = toMessages(turns);
  if (messages.length === 0 || messages.some((m, i) => m.role !== (i % 2 === 0 ? "user" : "assistant"))) {
    return "non_alternating_turns";
  }
  // An empty message renders as a generation prompt (no separator), which breaks the round masking.
  if (messages.some((m) => m.content === null || m.content.trim() === "")) return "empty_turn";
  const hasImageToken = turns.some((t) => t.value.includes(DEFAULT_IMAGE_TOKEN));
  const hasImage = value.image !== undefined;
  if (hasImageToken && !hasImage) return "image_token_without_image";
  if (hasImage && !hasImageToken) return "image_without_image_token";
  if (options.plain && (turns.length !== 2 || !turns[0].value.includes(DEFAULT_IMAGE_TOKEN))) {
    return "plain_needs_two_turns";
  }
  return null;
}
