// The Qwen2 tokenizer format as the Qwen replicas ship it (test/fixtures/replicas, made by
// tools/make_replica_fixtures.py): a ByteLevel BPE tokenizer.json with Qwen2's pre-tokenizer split (digits
// one at a time), its added tokens matched whole, no BOS, <|endoftext|> as padding, and Qwen2.5's chat
// template with its default system prompt.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { chatTemplate } from "../../src/data/templates/chat_template.ts";
import { loadTokenizer } from "../../src/io/tokenizer.ts";
import { REPLICAS } from "../conformance/replica.ts";

const QWEN = join(REPLICAS, "Qwen--Qwen2.5-0.5B-Instruct");
const INTERLEAVE = join(REPLICAS, "llava-hf--llava-interleave-qwen-0.5b-hf");

test("Qwen2.5's tokenizer: specials, no BOS, <|endoftext|> pads, digits split one by one", () => {
  const t = loadTokenizer(QWEN);
  assert.deepEqual(
    [t.bosToken, t.addBosToken, t.eosToken, t.eosTokenId, t.padTokenId, t.modelMaxLength],
    [null, false, "<|im_end|>", 151645, 151643, 131072],
  );
  const ids = t.encode("<|im_start|>user\nHi<|im_end|>");
  assert.deepEqual([ids[0], ids.at(-1)], [151644, 151645]);
  // Qwen2's split reads \p{N} one digit at a time (LLaMA 3's reads up to three).
  const digits = t.encode("2024");
  assert.equal(digits.length, 4);
  for (const s of ["2024 is 12345", "héllo  there\n\n", "Hello world"])
    assert.equal(t.decode(t.encode(s)), s);
});

test("Qwen2.5's chat template: the default system prompt and the generation prompt", () => {
  const t = loadTokenizer(QWEN);
  const text = chatTemplate(t).render([
    { role: "user", content: "Hi" },
    { role: "assistant", content: null },
  ]);
  assert.equal(
    text,
    "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
      "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
  );
});

test("llava-interleave's tokenizer: <image> is one added token, padding on the left", () => {
  const t = loadTokenizer(INTERLEAVE);
  assert.deepEqual(t.encode("<image>\nWhat").slice(0, 2), [151646, t.encode("\n")[0]]);
  assert.equal(t.config.padding_side, "left");
});
