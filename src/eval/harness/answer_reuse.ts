// What questions about the same image share, computed once: the image's projected features, and the keys and
// values of the prompt prefix they have in common (system prompt, image, instruction words: POPE asks some 18
// questions of each image). A reused value is bit for bit the recomputed one, since every kernel computes a
// row (of a product, a norm, an attention query) the same whatever other rows it is given: the answers are
// those of recomputing everything.
import { createHash } from "node:crypto";
import type { LlavaForConditionalGeneration } from "../../models/llava/model.ts";
import { KVCache } from "../../tensor/kv_cache.ts";
import { concat } from "../../tensor/ops/shape.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** Images whose features are kept (the most recently used). */
const KEPT_IMAGES = 8;
/** Positions a new prefix cache holds beyond the prompt and answer that create it. */
const CACHE_SLACK = 256;

export interface ReuseCounts {
  /** Images whose features were computed, and reused. */
  imagesComputed: number;
  imagesReused: number;
  /** Prompt positions taken from the prefix cache instead of run. */
  positionsReused: number;
}

export class AnswerReuse {
  readonly counts: ReuseCounts = { imagesComputed: 0, imagesReused: 0, positionsReused: 0 };
  private readonly features = new Map<string, Tensor>();
  /** The embedding rows [T, hidden] of the prompt whose keys and values `cache` holds first. */
  private prompt: Float32Array | null = null;
  private cache: KVCache | null = null;

  /** Projected features [N, tokens, hidden] of N images [3, S, S], each computed once while kept. */
  imageFeatures(model: LlavaForConditionalGeneration, images: readonly Float32Array[]): Tensor {
    const parts = images.map((pixels) => {
      const key = createHash("sha256").update(
        new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength),
      );
      const id = key.digest("hex");
      let f = this.features.get(id);
      if (f) {
        this.counts.imagesReused++;
        this.features.delete(id);
      } else {
        f = model.imageFeatures(pixels, 1);
        this.counts.imagesComputed++;
        if (this.features.size >= KEPT_IMAGES) this.features.delete(this.features.keys().next().value!);
      }
      this.features.set(id, f);
      return f;
    });
    return parts.length === 1 ? parts[0] : concat(parts, 0);
  }

  /**
   * A cache holding the keys and values of the longest prefix of `embeds` (one prompt [1, T, hidden]) that the
   * previous prompt shares, at most T − 1 positions (the last one must run for its logits), with room for
   * `capacity` positions (an emptied one when they share nothing, a new one when the room is missing). The
   * caller runs the prompt on it; the next call compares against this prompt.
   */
  prefixCache(model: LlavaForConditionalGeneration, embeds: Tensor, capacity: number): KVCache {
    const [, T, H] = embeds.shape;
    const rows = embeds.readF32();
    let shared = 0;
    const previous = this.prompt;
    if (previous && this.cache && this.cache.capacity >= capacity && !this.windowed(model, T)) {
      const limit = Math.min(T - 1, previous.length / H);
      while (shared < limit && sameRow(previous, rows, shared, H)) shared++;
    }
    this.prompt = rows;
    if (!this.cache || this.cache.capacity < capacity) {
      const c = model.text;
      this.cache = new KVCache(
        c.num_hidden_layers,
        1,
        capacity + CACHE_SLACK,
        c.num_key_value_heads,
        c.head_dim,
      );
    }
    this.cache.truncate(shared);
    this.counts.positionsReused += shared;
    return this.cache;
  }

  /** Whether a sliding window hides some of T positions: its prompt and decoding paths differ, so no reuse. */
  private windowed(model: LlavaForConditionalGeneration, T: number): boolean {
    const w = model.text.sliding_window;
    return w !== null && model.text.layer_types.includes("sliding_attention") && T > w;
  }
}

function sameRow(a: Float32Array, b: Float32Array, row: number, H: number): boolean {
  for (let i = row * H; i < (row + 1) * H; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
