// Golden prompts written out by hand from LLaVA's Conversation.get_prompt().
import assert from "node:assert/strict";
import { test } from "node:test";
import { getTemplate } from "../../src/data/templates/index.ts";
import type { Message } from "../../src/data/templates/types.ts";
import { loadTokenizer } from "../../src/io/tokenizer.ts";
import { LLAMA3_DIR } from "../io/tokenizer_fixtures.ts";

const VICUNA_SYS =
  "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";
const LLAVA_LLAMA2_SYS =
  "You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.";

const chat: Message[] = [
  { role: "user", content: "What is this?\n<image>" },
  { role: "assistant", content: "A cat." },
  { role: "user", content: "Color?" },
  { role: "assistant", content: "Black." },
];
const ask: Message[] = [
  { role: "user", content: "<image>\nWhat is this?" },
  { role: "assistant", content: null },
];

test("vicuna_v1 / v1", () => {
  const v1 = getTemplate("v1");
  assert.equal(getTemplate("vicuna_v1"), v1);
  assert.equal(
    v1.render(chat, { image: true }),
    `${VICUNA_SYS} USER: <image>\nWhat is this? ASSISTANT: A cat.</s>USER: Color? ASSISTANT: Black.</s>`,
  );
  assert.equal(
    v1.render(chat),
    `${VICUNA_SYS} USER: What is this?\n<image> ASSISTANT: A cat.</s>USER: Color? ASSISTANT: Black.</s>`,
  );
  assert.equal(v1.render(ask), `${VICUNA_SYS} USER: <image>\nWhat is this? ASSISTANT:`);
});

test("llava_llama_2 with LLaVA's lstrip('<s>')", () => {
  assert.equal(
    getTemplate("llava_llama_2").render(chat, { image: true }),
    `[INST] <<SYS>>\n${LLAVA_LLAMA2_SYS}\n<</SYS>>\n\n<image>\nWhat is this? [/INST] A cat. </s><s>[INST] Color? [/INST] Black. </s>`,
  );
  assert.equal(
    getTemplate("llava_llama_2").render(ask),
    `[INST] <<SYS>>\n${LLAVA_LLAMA2_SYS}\n<</SYS>>\n\n<image>\nWhat is this? [/INST]`,
  );
});

test("a system prompt given at render time replaces the template's", () => {
  assert.equal(
    getTemplate("vicuna_v1").render(ask, { system: "Be brief." }),
    "Be brief. USER: <image>\nWhat is this? ASSISTANT:",
  );
  assert.equal(
    getTemplate("llava_llama_2").render(ask, { system: "Be brief." }),
    "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\n<image>\nWhat is this? [/INST]",
  );
  assert.equal(
    getTemplate("llava_llama_2").render(ask, { system: "" }),
    "[INST] <image>\nWhat is this? [/INST]",
  );
});

test("plain", () => {
  assert.equal(
    getTemplate("plain").render([
      { role: "user", content: "<image>" },
      { role: "assistant", content: null },
    ]),
    "<image>\n",
  );
  assert.equal(
    getTemplate("v0_plain").render(chat.slice(0, 2), { image: true }),
    "<image>\nWhat is this?\nA cat.\n",
  );
});

test("chat_template from tokenizer_config.json", () => {
  const template = getTemplate("chat_template", loadTokenizer(LLAMA3_DIR));
  assert.equal(
    template.render(ask),
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n<image>\nWhat is this?<|eot_id|>" +
      "<|start_header_id|>assistant<|end_header_id|>\n\n",
  );
});

test("unknown template names are rejected", () => {
  assert.throws(() => getTemplate("nope"), /unknown template "nope"/);
  assert.throws(() => getTemplate("chat_template"), /needs a tokenizer/);
});
