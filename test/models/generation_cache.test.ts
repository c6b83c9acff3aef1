// Generation that continues a KV cache holding the prompt's prefix (what the evaluation harness reuses across
// questions about one image): the last position's logits, and the greedy tokens, are bit for bit those of
// running the whole prompt, for prefixes that leave 1 to 5 positions to run (products of at most 4 rows take
// the addon's GEMV, more rows the blocked GEMM). On the PyTorch-made llama_base fixture (random weights).
import assert from "node:assert/strict";
import { test } from "node:test";
import { generate } from "../../src/models/generation.ts";
import { loadLlama } from "../../src/models/load.ts";
import { noGrad } from "../../src/tensor/autograd.ts";
import { KVCache } from "../../src/tensor/kv_cache.ts";
import { assertExact } from "../backend/suite/harness.ts";
import { fixture } from "./fixture.ts";

const model = loadLlama(fixture("llama_base").dir);
model.eval();
const cfg = model.config;
const T = 12;
const ids = Int32Array.from({ length: T }, (_, i) => (i * 37 + 5) % cfg.vocab_size);
const mask = new Uint8Array(T).fill(1);
const newCache = () => new KVCache(cfg.num_hidden_layers, 1, 64, cfg.num_key_value_heads, cfg.head_dim);

/** The last position's logits of the prompt run on `cache` from the position it holds. */
function lastLogits(cache: KVCache): Float32Array {
  const past = cache.length;
  return noGrad(() =>
    model
      .forward({
        inputIds: ids.subarray(past),
        batch: 1,
        seqLen: T - past,
        attentionMask: mask,
        cache,
        logits: "last",
      })
      .logits!.readF32(),
  );
}

test("a prompt continuing a cache of its prefix gives the whole prompt's logits and tokens, bit for bit", () => {
  const whole = lastLogits(newCache());
  const greedy = generate(
    model,
    { batch: 1, seqLen: T, inputIds: ids, attentionMask: mask },
    { maxNewTokens: 6 },
  );
  for (const kept of [T - 1, T - 2, T - 4, T - 5, 3]) {
    const cache = newCache();
    // The prefix of an earlier, longer prompt: its entries past `kept` are dropped.
    lastLogits(cache);
    cache.truncate(kept);
    assertExact(lastLogits(cache), whole, `logits after a ${kept}-position prefix`);
    cache.truncate(kept);
    const tokens = generate(
      model,
      { batch: 1, seqLen: T, inputIds: ids, attentionMask: mask },
      { maxNewTokens: 6, cache },
    );
    assert.deepEqual(tokens, greedy, `tokens after a ${kept}-position prefix`);
    assert.equal(cache.length, T + 5, "the cache holds the prompt and the generated tokens");
  }
});

test("a cache is continued only by one unpadded prompt that it does not cover, with room for the answer", () => {
  const cache = newCache();
  lastLogits(cache);
  const opts = { maxNewTokens: 4, cache };
  const padded = Uint8Array.from(mask, (_, i) => (i === 0 ? 0 : 1));
  assert.throws(
    () => generate(model, { batch: 1, seqLen: T, inputIds: ids, attentionMask: padded }, opts),
    /one row without padding/,
  );
  assert.throws(
    () => generate(model, { batch: 1, seqLen: T, inputIds: ids, attentionMask: mask }, opts),
    /the cache holds 12 positions of a 12-position prompt/,
  );
  cache.truncate(4);
  assert.throws(
    () =>
      generate(
        model,
        { batch: 1, seqLen: T, inputIds: ids, attentionMask: mask },
        { ...opts, maxNewTokens: 60 },
      ),
    /KV cache capacity 64 < 72 positions/,
  );
  assert.throws(() => cache.truncate(5), /cannot truncate a KV cache of 4 positions to 5/);
});
