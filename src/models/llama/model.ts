// LlamaModel (embeddings, decoder layers, final norm) and LlamaForCausalLM (+ lm_head, HF's shifted loss):
// the decoder architecture of the llama, mistral and qwen2 families (src/models/families).
import type { LlamaConfig } from "../../io/config/llama_config.ts";
import { Embedding, Linear, RMSNorm } from "../../nn/layers.ts";
import { Module, type Parameter } from "../../nn/module.ts";
import { checkpoint, isGradEnabled } from "../../tensor/autograd.ts";
import type { KVCache } from "../../tensor/kv_cache.ts";
import { linearCrossEntropy } from "../../tensor/ops/linear_cross_entropy.ts";
import { crossEntropy, IGNORE_INDEX } from "../../tensor/ops/loss.ts";
import { linear } from "../../tensor/ops/matmul.ts";
import { reshape, slice } from "../../tensor/ops/shape.ts";
import type { Rng } from "../../tensor/rng.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { LlamaDecoderLayer } from "./decoder_layer.ts";
import { rotaryTables } from "./rotary.ts";

export interface DecoderInputs {
  /** Token ids [B·T] (or give inputsEmbeds). */
  inputIds?: ArrayLike<number>;
  /** [B, T, hidden], e.g. text embeddings with image features spliced in. */
  inputsEmbeds?: Tensor;
  batch: number;
  seqLen: number;
  /** [B, keys], 1 = real token; keys = T, or cache.length + T when decoding. Default: all real. */
  attentionMask?: Uint8Array;
  /** [B·T]; default 0..T−1 per row (continuing after the cache). */
  positionIds?: Int32Array;
  cache?: KVCache;
  /** Collect the input of every layer and the final output (before the final norm), as HF does. */
  outputHiddenStates?: boolean;
}

export interface CausalLMInputs extends DecoderInputs {
  /** [B·T] unshifted labels (HF): position t is scored on predicting labels[t] from tokens < t. */
  labels?: Int32Array;
  /** Logits to return: all positions, only each row's last, or none (loss-only training, least memory). */
  logits?: "all" | "last" | "none";
}

export interface CausalLMOutput {
  /** [B, T, V], or [B, 1, V] for "last". */
  logits: Tensor | null;
  /** Mean cross-entropy over non-ignored labels. */
  loss: Tensor | null;
  /** Token count that the loss averages over. */
  lossTokens: number;
  hiddenStates: Tensor[] | null;
}

export class LlamaModel extends Module {
  embed_tokens: Embedding;
  layers: LlamaDecoderLayer[];
  norm: RMSNorm;
  /** Activation recomputation: keep only each layer's input during forward, rerun the layer in backward. */
  recompute = false;

  constructor(
    readonly config: LlamaConfig,
    rng: Rng | null,
  ) {
    super();
    this.embed_tokens = new Embedding(config.vocab_size, config.hidden_size, rng);
    this.layers = Array.from(
      { length: config.num_hidden_layers },
      (_, i) => new LlamaDecoderLayer(config, rng, i),
    );
    this.norm = new RMSNorm(config.hidden_size, config.rms_norm_eps, rng === null);
  }

  /** Final hidden states [B, T, hidden] after the final norm. */
  forward(inp: DecoderInputs): { hidden: Tensor; hiddenStates: Tensor[] | null } {
    const { batch: B, seqLen: T, cache } = inp;
    const past = cache?.length ?? 0;
    let x = inp.inputsEmbeds ?? this.embed_tokens.forward(inp.inputIds!, [B, T]);
    if (x.shape[0] !== B || x.shape[1] !== T)
      throw new Error(`inputs [${x.shape}] do not match batch ${B} × ${T}`);
    const positions = inp.positionIds ?? defaultPositions(B, T, past);
    const { cos, sin } = rotaryTables(this.config, positions);
    const keyMask = inp.attentionMask ?? null;
    if (keyMask && keyMask.length !== B * (past + T))
      throw new Error(`attention mask has ${keyMask.length} entries, expected ${B} × ${past + T}`);
    const hiddenStates: Tensor[] | null = inp.outputHiddenStates ? [] : null;
    this.layers.forEach((layer, i) => {
      hiddenStates?.push(x);
      const ctx = { B, T, cos, sin, keyMask, cache: cache ?? null, layer: i };
      x =
        this.recompute && isGradEnabled()
          ? checkpoint(([h]) => layer.forward(h, ctx), [x], loraRngs(layer))
          : layer.forward(x, ctx);
    });
    hiddenStates?.push(x);
    if (cache) cache.length += T;
    return { hidden: this.norm.forward(x), hiddenStates };
  }
}

/** The dropout generators of a layer's LoRA branches (replayed when the layer is recomputed). */
function loraRngs(layer: Module): Rng[] {
  const rngs: Rng[] = [];
  for (const [, m] of layer.namedModules()) if (m instanceof Linear && m.loraRng) rngs.push(m.loraRng);
  return rngs;
}

export function defaultPositions(B: number, T: number, past = 0): Int32Array {
  const p = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) p[b * T + t] = past + t;
  return p;
}

export class LlamaForCausalLM extends Module {
  model: LlamaModel;
  /** Absent when tie_word_embeddings: the head reuses model.embed_tokens.weight. */
  lm_head: Linear | null;

  constructor(
    readonly config: LlamaConfig,
    rng: Rng | null,
  ) {
    super();
    this.model = new LlamaModel(config, rng);
    this.lm_head = config.tie_word_embeddings
      ? null
      : new Linear(config.hidden_size, config.vocab_size, false, rng);
  }

  get headWeight(): Parameter {
    return this.lm_head ? this.lm_head.weight : this.model.embed_tokens.weight;
  }

  forward(inp: CausalLMInputs): CausalLMOutput {
    const { batch: B, seqLen: T } = inp;
    const { hidden, hiddenStates } = this.model.forward(inp);
    const want = inp.logits ?? (inp.labels ? "none" : "all");
    let logits: Tensor | null = null;
    if (want === "last") {
      const last = slice(hidden, 1, T - 1, T);
      logits = linear(last, this.headWeight);
    }
    let loss: Tensor | null = null;
    let lossTokens = 0;
    const H = this.config.hidden_size;
    const shifted = inp.labels ? shiftLabels(inp.labels, B, T) : null;
    if (want === "all") {
      const full = linear(reshape(hidden, [B * T, H]), this.headWeight);
      logits = reshape(full, [B, T, this.config.vocab_size]);
      if (shifted) loss = crossEntropy(full, shifted);
    } else if (shifted) loss = linearCrossEntropy(reshape(hidden, [B * T, H]), this.headWeight, shifted);
    if (shifted) lossTokens = shifted.reduce((n, y) => n + (y === IGNORE_INDEX ? 0 : 1), 0);
    return { logits, loss, lossTokens, hiddenStates };
  }
}

/** HF's causal shift: the row for position t carries labels[t + 1]; the last position is ignored. */
export function shiftLabels(labels: Int32Array, B: number, T: number): Int32Array {
  if (labels.length !== B * T) throw new Error(`labels have ${labels.length} entries, expected ${B} × ${T}`);
  const out = new Int32Array(B * T).fill(IGNORE_INDEX);
  for (let b = 0; b < B; b++) for (let t = 0; t + 1 < T; t++) out[b * T + t] = labels[b * T + t + 1];
  return out;
}
