// LLaVA's `conv_vicuna_v0` (SeparatorStyle.SINGLE), registered as "v0": "<system>###Human: q###Assistant: a###".
// Its built-in example dialogue is part of every prompt, as when LLaVA renders a copy of the template with the
// new turns appended. LLaVA's image step looks only at the first message, the example's, so it never applies
// here: callers put "<image>\n" in the user turn themselves, as LLaVA's eval scripts do.
import type { ConversationTemplate, Message } from "./types.ts";

const SYSTEM =
  "A chat between a curious human and an artificial intelligence assistant. " +
  "The assistant gives helpful, detailed, and polite answers to the human's questions.";

/** The template's example dialogue, verbatim from conv_vicuna_v0.messages. */
export const V0_EXAMPLE: readonly Message[] = [
  {
    role: "user",
    content: "What are the key differences between renewable and non-renewable energy sources?",
  },
  {
    role: "assistant",
    content:
      "Renewable energy sources are those that can be replenished naturally in a relatively " +
      "short amount of time, such as solar, wind, hydro, geothermal, and biomass. " +
      "Non-renewable energy sources, on the other hand, are finite and will eventually be " +
      "depleted, such as coal, oil, and natural gas. Here are some key differences between " +
      "renewable and non-renewable energy sources:\n" +
      "1. Availability: Renewable energy sources are virtually inexhaustible, while non-renewable " +
      "energy sources are finite and will eventually run out.\n" +
      "2. Environmental impact: Renewable energy sources have a much lower environmental impact " +
      "than non-renewable sources, which can lead to air and water pollution, greenhouse gas emissions, " +
      "and other negative effects.\n" +
      "3. Cost: Renewable energy sources can be more expensive to initially set up, but they typically " +
      "have lower operational costs than non-renewable sources.\n" +
      "4. Reliability: Renewable energy sources are often more reliable and can be used in more remote " +
      "locations than non-renewable sources.\n" +
      "5. Flexibility: Renewable energy sources are often more flexible and can be adapted to different " +
      "situations and needs, while non-renewable sources are more rigid and inflexible.\n" +
      "6. Sustainability: Renewable energy sources are more sustainable over the long term, while " +
      "non-renewable sources are not, and their depletion can lead to economic and social instability.\n",
  },
];

export const v0: ConversationTemplate = {
  name: "v0",
  style: "single",
  sep: "###",
  sep2: null,
  roles: ["Human", "Assistant"],
  render(messages, options) {
    let ret = (options?.system ?? SYSTEM) + this.sep;
    for (const { role, content } of [...V0_EXAMPLE, ...messages]) {
      const roleName = this.roles[role === "user" ? 0 : 1];
      // An empty or missing message renders as the bare role: the generation prompt "Assistant:".
      ret += content ? `${roleName}: ${content}${this.sep}` : `${roleName}:`;
    }
    return ret;
  },
};
