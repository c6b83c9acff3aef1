// LLaVA's LLaMA-2 chat templates (SeparatorStyle.LLAMA_2):
// "[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{q} [/INST] {a} </s><s>[INST] {q2} [/INST] {a2} </s>".
import { pyLstrip } from "../py_string.ts";
import { withImageFirst } from "./image_first.ts";
import type { ConversationTemplate } from "./types.ts";

function llama2Style(name: string, system: string): ConversationTemplate {
  return {
    name,
    style: "llama_2",
    sep: "<s>",
    sep2: "</s>",
    roles: ["USER", "ASSISTANT"],
    render(messages, options) {
      const list = withImageFirst(messages, options);
      if (list.length > 0 && (!list[0].content || list[0].role !== "user")) {
        throw new Error(`${name}: the first message must be a non-empty user message`);
      }
      const sysText = options?.system ?? system;
      let ret = "";
      list.forEach(({ content }, i) => {
        if (!content) return;
        if (i % 2 === 1) {
          ret += ` ${content} ${this.sep2}`;
          return;
        }
        const sys = i === 0 && sysText.length > 0 ? `<<SYS>>\n${sysText}\n<</SYS>>\n\n` : "";
        ret += `${this.sep}[INST] ${sys}${content} [/INST]`;
      });
      // LLaVA strips the leading "<s>" with str.lstrip, which removes a character set, not a prefix.
      return pyLstrip(ret, this.sep);
    },
  };
}

/** `conv_llava_llama_2`. */
export const llavaLlama2 = llama2Style(
  "llava_llama_2",
  "You are a helpful language and vision assistant. " +
    "You are able to understand the visual content that the user provides, " +
    "and assist the user with a variety of tasks using natural language.",
);

/** `conv_llama_2`: Meta's LLaMA-2-chat system prompt. */
export const llama2 = llama2Style(
  "llama_2",
  "You are a helpful, respectful and honest assistant. Always answer as helpfully as possible, while being safe.  " +
    "Your answers should not include any harmful, unethical, racist, sexist, toxic, dangerous, or illegal content. " +
    "Please ensure that your responses are socially unbiased and positive in nature.\n\n" +
    "If a question does not make any sense, or is not factually coherent, explain why instead of answering " +
    "something not correct. If you don't know the answer to a question, please don't share false information.",
);
