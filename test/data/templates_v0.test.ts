// Golden v0 prompts, written out by hand from LLaVA's conv_vicuna_v0 and Conversation.get_prompt() (SINGLE).
import assert from "node:assert/strict";
import { test } from "node:test";
import { preprocess } from "../../src/data/preprocess.ts";
import { getTemplate, TEMPLATE_NAMES } from "../../src/data/templates/index.ts";
import type { Tokenizer } from "../../src/io/tokenizer.ts";

const HEAD =
  "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.###" +
  "Human: What are the key differences between renewable and non-renewable energy sources?###" +
  "Assistant: Renewable energy sources are those that can be replenished naturally in a relatively short amount of time, such as solar, wind, hydro, geothermal, and biomass. Non-renewable energy sources, on the other hand, are finite and will eventually be depleted, such as coal, oil, and natural gas. Here are some key differences between renewable and non-renewable energy sources:\n" +
  "1. Availability: Renewable energy sources are virtually inexhaustible, while non-renewable energy sources are finite and will eventually run out.\n" +
  "2. Environmental impact: Renewable energy sources have a much lower environmental impact than non-renewable sources, which can lead to air and water pollution, greenhouse gas emissions, and other negative effects.\n" +
  "3. Cost: Renewable energy sources can be more expensive to initially set up, but they typically have lower operational costs than non-renewable sources.\n" +
  "4. Reliability: Renewable energy sources are often more reliable and can be used in more remote locations than non-renewable sources.\n" +
  "5. Flexibility: Renewable energy sources are often more flexible and can be adapted to different situations and needs, while non-renewable sources are more rigid and inflexible.\n" +
  "6. Sustainability: Renewable energy sources are more sustainable over the long term, while non-renewable sources are not, and their depletion can lead to economic and social instability.\n###";

test("v0: the example dialogue, then the turns, each followed by ###", () => {
  const v0 = getTemplate("v0");
  assert.equal(v0.render([]), HEAD);
  assert.equal(
    v0.render([
      { role: "user", content: "<image>\nWhat is this?" },
      { role: "assistant", content: "A cat." },
      { role: "user", content: "Color?" },
      { role: "assistant", content: null },
    ]),
    `${HEAD}Human: <image>\nWhat is this?###Assistant: A cat.###Human: Color?###Assistant:`,
  );
});

test("v0: the image step never applies (the first message is the example's); the system prompt can be replaced", () => {
  const v0 = getTemplate("v0");
  const ask = [
    { role: "user" as const, content: "What is this?\n<image>" },
    { role: "assistant" as const, content: "" },
  ];
  assert.equal(v0.render(ask, { image: true }), `${HEAD}Human: What is this?\n<image>###Assistant:`);
  assert.equal(
    v0.render(ask, { system: "Be brief." }),
    `Be brief.###${HEAD.slice(HEAD.indexOf("Human: "))}Human: What is this?\n<image>###Assistant:`,
  );
});

test("v0 is registered and refused for training", () => {
  assert.ok(TEMPLATE_NAMES.includes("v0"));
  assert.deepEqual(TEMPLATE_NAMES, [...TEMPLATE_NAMES].sort());
  const turns = [
    { from: "human", value: "hi" },
    { from: "gpt", value: "hello" },
  ];
  assert.throws(
    () => preprocess(turns, {} as Tokenizer, getTemplate("v0"), { hasImage: false }),
    /template "v0" renders evaluation prompts only/,
  );
});
