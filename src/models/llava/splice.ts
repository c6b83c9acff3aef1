// LLaVA's splice (prepare_inputs_labels_for_multimodal): every image placeholder in input_ids is replaced by
// that image's projected patch features; labels there become −100; rows are re-padded and the attention
// mask and position ids rebuilt. Images are consumed in order of their placeholders across the batch.

import { IGNORE_INDEX } from "../../tensor/ops/loss.ts";
import { LLAVA_IMAGE_TOKEN_INDEX } from "../families/llava/config.ts";

export interface SpliceInputs {
  inputIds: Int32Array;
  batch: number;
  seqLen: number;
  attentionMask?: Uint8Array;
  labels?: Int32Array;
  imageTokenIndex: number;
  /** Features per image (patch tokens after the projector). */
  tokensPerImage: number;
  /** LLaVA's tokenizer_model_max_length: rows are cut to it after the splice. */
  maxLength?: number | null;
  paddingSide?: "right" | "left";
}

/** Where each position of the spliced batch takes its embedding from. */
export interface SplicePlan {
  batch: number;
  seqLen: number;
  /** [B·L] per spliced position: ≥ 0 → that entry of textIds; PAD → padding; ≤ −2 → image feature row −2 − s. */
  source: Int32Array;
  /** Text token ids to embed, in the order `source` refers to them. */
  textIds: Int32Array;
  attentionMask: Uint8Array;
  positionIds: Int32Array;
  labels: Int32Array | null;
  images: number;
}

export const PAD = -1;

export function planSplice(inp: SpliceInputs): SplicePlan {
  const { batch: B, seqLen: T, tokensPerImage: Np, imageTokenIndex } = inp;
  const rows: Array<{ src: number[]; lab: number[] }> = [];
  const textIds: number[] = [];
  let image = 0;
  for (let b = 0; b < B; b++) {
    const src: number[] = [];
    const lab: number[] = [];
    let t = 0;
    while (t < T) {
      const at = b * T + t;
      if (inp.attentionMask && inp.attentionMask[at] === 0) {
        t++;
        continue;
      }
      const id = inp.inputIds[at];
      if (id === LLAVA_IMAGE_TOKEN_INDEX && id !== imageTokenIndex)
        throw new Error(
          `input ids hold LLaVA's image placeholder ${id}, but this checkpoint's image token is ${imageTokenIndex} (map the ids with toModelImageToken)`,
        );
      if (id === imageTokenIndex) {
        // A pre-expanded run of Np placeholders (newer llava-hf processors) stands for one image too.
        let run = 1;
        while (run < Np && t + run < T && inp.inputIds[at + run] === imageTokenIndex) run++;
        const span = run === Np ? Np : 1;
        for (let p = 0; p < Np; p++) {
          src.push(-2 - (image * Np + p));
          lab.push(IGNORE_INDEX);
        }
        image++;
        t += span;
        continue;
      }
      src.push(textIds.length);
      textIds.push(id);
      lab.push(inp.labels ? inp.labels[at] : IGNORE_INDEX);
      t++;
    }
    if (inp.maxLength && src.length > inp.maxLength) {
      src.length = inp.maxLength;
      lab.length = inp.maxLength;
    }
    rows.push({ src, lab });
  }
  const L = Math.max(...rows.map((r) => r.src.length));
  const source = new Int32Array(B * L).fill(PAD);
  const attentionMask = new Uint8Array(B * L);
  const positionIds = new Int32Array(B * L);
  const labels = inp.labels ? new Int32Array(B * L).fill(IGNORE_INDEX) : null;
  const left = inp.paddingSide === "left";
  rows.forEach(({ src, lab }, b) => {
    const offset = left ? L - src.length : 0;
    src.forEach((s, i) => {
      const at = b * L + offset + i;
      source[at] = s;
      attentionMask[at] = 1;
      positionIds[at] = i;
      if (labels) labels[at] = lab[i];
    });
  });
  return {
    batch: B,
    seqLen: L,
    source,
    textIds: Int32Array.from(textIds),
    attentionMask,
    positionIds,
    labels,
    images: image,
  };
}
