// Golden ids and label masks: the expected ids are pieced together from llama-tokenizer-js /
// llama3-tokenizer-js encodings of the prompt's segments, and the masks follow LLaVA's rule (loss on each
// answer and its closing token), written out segment by segment.
import assert from "node:assert/strict";
import { test } from "node:test";
import llamaTokenizer from "llama-tokenizer-js";
import llama3Tokenizer from "llama3-tokenizer-js";
import { IGNORE_INDEX, IMAGE_TOKEN_INDEX } from "../../src/data/constants.ts";
import { preprocess } from "../../src/data/preprocess.ts";
import { getTemplate } from "../../src/data/templates/index.ts";
import { tokenizerImageToken } from "../../src/data/tokenizer_image_token.ts";
import { createTokenizer, loadTokenizer } from "../../src/io/tokenizer.ts";
import {
  LLAMA2_DIR,
  LLAMA3_DIR,
  LLAMA3_INSTRUCT_TEMPLATE,
  nonLegacyLlama2,
  readFixture,
} from "../io/tokenizer_fixtures.ts";

const llama2 = loadTokenizer(LLAMA2_DIR);
const enc = (text: string, prefixSpace: boolean) => llamaTokenizer.encode(text, false, prefixSpace);
const VICUNA_SYS =
  "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";
const LLAVA_LLAMA2_SYS =
  "You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.";

const turns = [
  { from: "human", value: "What is this?\n<image>" },
  { from: "gpt", value: "A cat." },
  { from: "human", value: "Color?" },
  { from: "gpt", value: "Black." },
];

/** Segments as [ids, trained]; returns the expected input ids and labels. */
function golden(segments: Array<[number[], boolean]>): { ids: number[]; labels: number[] } {
  const ids = segments.flatMap(([s]) => s);
  const labels = segments.flatMap(([s, trained]) => s.map((id) => (trained ? id : IGNORE_INDEX)));
  return { ids, labels };
}

test("tokenizer_image_token keeps one BOS and puts -200 in place of <image>", () => {
  assert.deepEqual(tokenizerImageToken("<image>", llama2), [1, IMAGE_TOKEN_INDEX]);
  assert.deepEqual(tokenizerImageToken("a<image>b<image>", llama2), [
    1,
    ...enc("a", true),
    -200,
    ...enc("b", true),
    -200,
  ]);
  assert.deepEqual(tokenizerImageToken("no image", llama2), llamaTokenizer.encode("no image"));
});

test("preprocess_plain: loss on the caption and its newline", () => {
  const r = preprocess(turns.slice(0, 2), llama2, getTemplate("plain"), { hasImage: true });
  const g = golden([
    [[1, IMAGE_TOKEN_INDEX], false],
    [enc("A cat.\n", true), true],
  ]);
  assert.deepEqual(r.inputIds, g.ids);
  assert.deepEqual(r.labels, g.labels);
  assert.equal(r.numImages, 1);
});

test("preprocess_v1 (legacy tokenizer) with an image", () => {
  const r = preprocess(turns, llama2, getTemplate("vicuna_v1"), { hasImage: true });
  const g = golden([
    [llamaTokenizer.encode(`${VICUNA_SYS} USER: `), false],
    [[IMAGE_TOKEN_INDEX], false],
    [enc("\nWhat is this? ASSISTANT:", true), false],
    [enc(" A cat.", false), true],
    [[2], true],
    [enc("USER: Color? ASSISTANT:", true), false],
    [enc(" Black.", false), true],
    [[2], true],
  ]);
  assert.deepEqual(r.inputIds, g.ids);
  assert.deepEqual(r.labels, g.labels);
  assert.equal(r.mismatch, false);
});

test("preprocess_v1 (non-legacy tokenizer): the -1 adjustment for later rounds", () => {
  const r = preprocess(turns, nonLegacyLlama2(), getTemplate("v1"), { hasImage: true });
  const g = golden([
    [llamaTokenizer.encode(`${VICUNA_SYS} USER: `), false],
    [[IMAGE_TOKEN_INDEX], false],
    [enc("\nWhat is this? ASSISTANT:", true), false],
    [enc(" A cat.", false), true],
    [[2], true],
    [enc("USER: Color? ASSISTANT:", false), false],
    [enc(" Black.", false), true],
    [[2], true],
  ]);
  assert.deepEqual(r.inputIds, g.ids);
  assert.deepEqual(r.labels, g.labels);
  assert.equal(r.mismatch, false);
});

test("preprocess_v1 text-only sample", () => {
  const text = [
    { from: "human", value: "Hi there" },
    { from: "gpt", value: "Hello!" },
  ];
  const r = preprocess(text, llama2, getTemplate("v1"), { hasImage: false });
  const g = golden([
    [llamaTokenizer.encode(`${VICUNA_SYS} USER: Hi there ASSISTANT:`), false],
    [enc(" Hello!", false), true],
    [[2], true],
  ]);
  assert.deepEqual(r.inputIds, g.ids);
  assert.deepEqual(r.labels, g.labels);
});

test("preprocess_llama_2", () => {
  const r = preprocess(turns, llama2, getTemplate("llava_llama_2"), { hasImage: true });
  const g = golden([
    [llamaTokenizer.encode(`[INST] <<SYS>>\n${LLAVA_LLAMA2_SYS}\n<</SYS>>\n\n`), false],
    [[IMAGE_TOKEN_INDEX], false],
    [enc("\nWhat is this? [/INST]", true), false],
    [enc(" A cat. ", false), true],
    [[2], true],
    [[1], false],
    [enc("[INST] Color? [/INST]", true), false],
    [enc(" Black. ", false), true],
    [[2], true],
  ]);
  assert.deepEqual(r.inputIds, g.ids);
  assert.deepEqual(r.labels, g.labels);
  assert.equal(r.mismatch, false);
});

test("tokenization mismatch: a tokenizer whose legacy flag is wrong gets the sample fully masked", () => {
  const { json, config } = readFixture(LLAMA2_DIR);
  const lying = createTokenizer(json, { ...config, legacy: false });
  const r = preprocess(turns, lying, getTemplate("v1"), { hasImage: true });
  assert.equal(r.mismatch, true);
  assert.ok(r.labels.every((l) => l === IGNORE_INDEX));
});

test("chat template: loss on assistant turns and their <|eot_id|>", () => {
  const { json, config } = readFixture(LLAMA3_DIR);
  const tok = createTokenizer(json, { ...config, chat_template: LLAMA3_INSTRUCT_TEMPLATE });
  const e = (s: string) => llama3Tokenizer.encode(s, { bos: false, eos: false });
  const [bos, start, end, eot] = [128000, 128006, 128007, 128009];
  const header = (role: string) => [start, ...e(role), end, ...e("\n\n")];
  const r = preprocess(turns, tok, getTemplate("chat_template", tok), { hasImage: true });
  const g = golden([
    [
      [bos, ...header("user"), IMAGE_TOKEN_INDEX, ...e("\nWhat is this?"), eot, ...header("assistant")],
      false,
    ],
    [[...e("A cat."), eot], true],
    [[...header("user"), ...e("Color?"), eot, ...header("assistant")], false],
    [[...e("Black."), eot], true],
  ]);
  assert.deepEqual(r.inputIds, g.ids);
  assert.deepEqual(r.labels, g.labels);
  assert.equal(r.mismatch, false);

  // The packaged template always appends the assistant header, so prefixes are not prefixes: flagged.
  const packaged = loadTokenizer(LLAMA3_DIR);
  assert.equal(
    preprocess(turns, packaged, getTemplate("chat_template", packaged), { hasImage: true }).mismatch,
    true,
  );
});
