// LLaVA's Vicuna v1 templates (SeparatorStyle.TWO): "<system> USER: q ASSISTANT: a</s>USER: ...".
import { withImageFirst } from "./image_first.ts";
import type { ConversationTemplate } from "./types.ts";

function twoStyle(name: string, system: string): ConversationTemplate {
  return {
    name,
    style: "two",
    sep: " ",
    sep2: "</s>",
    roles: ["USER", "ASSISTANT"],
    render(messages, options) {
      const seps = [this.sep, this.sep2 as string];
      let ret = (options?.system ?? system) + seps[0];
      withImageFirst(messages, options).forEach(({ role, content }, i) => {
        const roleName = this.roles[role === "user" ? 0 : 1];
        // An empty or missing message renders as the bare role: the generation prompt "ASSISTANT:".
        ret += content ? `${roleName}: ${content}${seps[i % 2]}` : `${roleName}:`;
      });
      return ret;
    },
  };
}

/** `conv_vicuna_v1`, LLaVA's default template, registered as "vicuna_v1" and "v1". */
export const vicunaV1 = twoStyle(
  "vicuna_v1",
  "A chat between a curious user and an artificial intelligence assistant. " +
    "The assistant gives helpful, detailed, and polite answers to the user's questions.",
);

/** `conv_llava_v1`: the same with a "human" system prompt. */
export const llavaV1 = twoStyle(
  "llava_v1",
  "A chat between a curious human and an artificial intelligence assistant. " +
    "The assistant gives helpful, detailed, and polite answers to the human's questions.",
);
