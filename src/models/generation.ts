// Autoregressive generation with a KV cache: batched prompts (left padded), greedy or sampled decoding,
// stop on EOS or a caller's stop test, and a per-token callback for streaming.
import { noGrad } from "../tensor/autograd.ts";
import { KVCache } from "../tensor/kv_cache.ts";
import { slice } from "../tensor/ops/shape.ts";
import { Rng } from "../tensor/rng.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { LlamaForCausalLM } from "./llama/model.ts";
import { pickToken, type SamplingOptions } from "./sampling.ts";

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Generation of a row ends after it emits one of these. */
  eosTokenIds?: number[];
  seed?: number;
  /** Called after each new token of each row; returning true ends that row (e.g. a stop string matched). */
  onToken?: (row: number, token: number, generated: readonly number[]) => boolean | undefined;
  /** A cache holding the keys and values of this prompt's first cache.length positions (one row without
   * padding, e.g. a prefix shared with an earlier prompt): only the rest of the prompt runs. The cache is left
   * holding the prompt and the generated tokens. */
  cache?: KVCache;
}

/** A prompt batch: either token ids or spliced embeddings, left padded to a common length T. */
export interface PromptBatch {
  batch: number;
  seqLen: number;
  inputIds?: Int32Array;
  inputsEmbeds?: Tensor;
  /** [B, T], 0 at left padding. */
  attentionMask: Uint8Array;
}

/** Left-pads token-id prompts and builds their mask. */
export function leftPad(prompts: number[][], padId: number): PromptBatch {
  const T = Math.max(...prompts.map((p) => p.length));
  const B = prompts.length;
  const inputIds = new Int32Array(B * T).fill(padId);
  const attentionMask = new Uint8Array(B * T);
  prompts.forEach((p, b) => {
    inputIds.set(p, b * T + T - p.length);
    attentionMask.fill(1, b * T + T - p.length, (b + 1) * T);
  });
  return { batch: B, seqLen: T, inputIds, attentionMask };
}

/** HF's positions for padded prompts: cumsum(mask) − 1, with padding positions set to 1. */
export function positionsFromMask(mask: Uint8Array, B: number, T: number): Int32Array {
  const pos = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let seen = 0;
    for (let t = 0; t < T; t++) {
      if (mask[b * T + t]) pos[b * T + t] = seen++;
      else pos[b * T + t] = 1;
    }
  }
  return pos;
}

function checkCache(cache: KVCache, prompt: PromptBatch, needed: number): void {
  if (prompt.batch !== 1 || cache.batch !== 1 || !prompt.attentionMask.every((m) => m === 1))
    throw new Error("a prompt continuing a cache must be one row without padding");
  if (cache.length >= prompt.seqLen)
    throw new Error(`the cache holds ${cache.length} positions of a ${prompt.seqLen}-position prompt`);
  if (cache.capacity < needed) throw new Error(`KV cache capacity ${cache.capacity} < ${needed} positions`);
}

/** Generates up to maxNewTokens per row; returns each row's new tokens (EOS included when emitted). */
export function generate(model: LlamaForCausalLM, prompt: PromptBatch, opts: GenerateOptions): number[][] {
  return noGrad(() => {
    const { batch: B, seqLen: T } = prompt;
    const cfg = model.config;
    const past = opts.cache?.length ?? 0;
    if (opts.cache) checkCache(opts.cache, prompt, T + opts.maxNewTokens);
    const cache =
      opts.cache ??
      new KVCache(cfg.num_hidden_layers, B, T + opts.maxNewTokens, cfg.num_key_value_heads, cfg.head_dim);
    const rng = new Rng(opts.seed ?? 0);
    const eos = new Set(opts.eosTokenIds ?? cfg.eos_token_id);
    const out: number[][] = Array.from({ length: B }, () => []);
    const done = new Array<boolean>(B).fill(false);
    let mask = prompt.attentionMask;
    const nextPos = new Int32Array(B);
    const positions = positionsFromMask(mask, B, T);
    for (let b = 0; b < B; b++) nextPos[b] = positions[b * T + T - 1] + 1;
    // The positions the cache does not hold yet.
    const rest: PromptBatch =
      past === 0
        ? prompt
        : {
            ...prompt,
            seqLen: T - past,
            inputIds: prompt.inputIds?.subarray(past),
            inputsEmbeds: prompt.inputsEmbeds && slice(prompt.inputsEmbeds, 1, past, T),
          };
    let result = model.forward({ ...rest, positionIds: positions.subarray(past), cache, logits: "last" });
    const V = cfg.vocab_size;
    for (let step = 0; step < opts.maxNewTokens; step++) {
      const logits = result.logits!.readF32();
      const ids = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        if (done[b]) continue;
        const id = pickToken(logits.subarray(b * V, (b + 1) * V), opts, rng);
        ids[b] = id;
        out[b].push(id);
        if (eos.has(id) || opts.onToken?.(b, id, out[b]) === true) done[b] = true;
      }
      if (done.every(Boolean) || step + 1 === opts.maxNewTokens) break;
      // Finished rows keep decoding a dummy token so the batch stays rectangular; their output is ignored.
      const len = cache.length + 1;
      const grown = new Uint8Array(B * len);
      for (let b = 0; b < B; b++) {
        grown.set(mask.subarray(b * (len - 1), (b + 1) * (len - 1)), b * len);
        grown[b * len + len - 1] = 1;
      }
      mask = grown;
      result = model.forward({
        inputIds: ids,
        batch: B,
        seqLen: 1,
        attentionMask: mask,
        positionIds: nextPos.slice(),
        cache,
        logits: "last",
      });
      for (let b = 0; b < B; b++) nextPos[b]++;
    }
    return out;
  });
}
