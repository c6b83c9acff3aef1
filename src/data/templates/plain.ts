// LLaVA's "plain" template (SeparatorStyle.PLAIN), used for stage-1 connector pretraining.
// Every message is followed by "\n". LLaVA leaves `sep2` unset, so its get_prompt() fails on an answer turn;
// training never calls it (preprocess_plain builds "<image>" + caption + "\n" itself), and here an answer
// is followed by "\n" too, the separator preprocess_plain appends to the caption.
import { withImageFirst } from "./image_first.ts";
import type { ConversationTemplate } from "./types.ts";

export const plain: ConversationTemplate = {
  name: "plain",
  style: "plain",
  sep: "\n",
  sep2: null,
  roles: ["", ""],
  render(messages, options) {
    let ret = "";
    for (const { content } of withImageFirst(messages, options)) if (content) ret += content + this.sep;
    return ret;
  },
};
