// LLaVA checkpoint namings, built from the naming of the language model and of the tower:
//   llava-hf  language_model.model.* / language_model.lm_head.* / vision_tower.<tower names> /
//             multi_modal_projector.linear_{1,2}.*; transformers ≥ 4.52 saves model.language_model.*
//             (no inner "model."), model.vision_tower.*, model.multi_modal_projector.*, lm_head.*
//   llava     original LLaVA: model.* and lm_head.* for the LLM, model.mm_projector.{weight,bias} (linear)
//             or model.mm_projector.{0,2,4,…}.* (mlpNx_gelu: Linear, GELU, Linear, …); the tower lives in its
//             own checkpoint, but a tuned tower saved along sits under model.vision_tower.vision_tower.*
import {
  isBuffer,
  type NameMapping,
  noDiskName,
  rewrite,
  SKIP,
  UNKNOWN,
  type WeightLayout,
  weight,
} from "../../../io/weights/layout.ts";
import { DECODER_LAYOUT } from "../llama/layout.ts";

const LANGUAGE_MODEL: ReadonlyArray<readonly [string, string]> = [
  ["language_model.model.", "model."],
  ["language_model.lm_head.", "lm_head."],
  ["model.language_model.", "model."],
  ["lm_head.", "lm_head."],
];

const TOWER_PREFIXES = ["vision_tower.", "model.vision_tower."];
const PROJECTOR_PREFIXES = ["multi_modal_projector.", "model.multi_modal_projector."];
const PROJECTOR = /^projector\.linear_(\d+)\.(weight|bias)$/;

/** Whether a canonical name belongs to the language model. */
const isLlm = (canonical: string) => DECODER_LAYOUT.toCanonical(canonical).kind === "weight";

/** The llava-hf naming around `tower`, the naming of the tower's own checkpoints. Written in the naming of
 * transformers < 4.52, which every version loads. */
export function llavaHfLayout(tower: WeightLayout): WeightLayout {
  const name = "llava-hf";
  return {
    name,
    toCanonical(disk: string): NameMapping {
      const t = TOWER_PREFIXES.find((p) => disk.startsWith(p));
      if (t) return tower.toCanonical(disk.slice(t.length));
      if (isBuffer(disk)) return SKIP;
      const p = PROJECTOR_PREFIXES.find((x) => disk.startsWith(x));
      if (p) return weight(`projector.${disk.slice(p.length)}`);
      const llm = rewrite(disk, LANGUAGE_MODEL);
      return llm === null ? UNKNOWN : weight(llm);
    },
    toDiskName(canonical: string): string {
      if (PROJECTOR.test(canonical)) return `multi_modal_projector.${canonical.slice("projector.".length)}`;
      if (isLlm(canonical)) return `language_model.${canonical}`;
      return `vision_tower.${tower.toDiskName(canonical)}`;
    },
  };
}

/** The original LLaVA naming; a linear projector is stored without a Sequential index. */
export function llavaOriginalLayout(projector: "linear" | "mlp", tower: WeightLayout): WeightLayout {
  const name = "llava";
  const towerPrefix = "model.vision_tower.vision_tower.";
  return {
    name,
    toCanonical(disk: string): NameMapping {
      if (isBuffer(disk)) return SKIP;
      const proj = /^model\.mm_projector\.(?:(\d+)\.)?(weight|bias)$/.exec(disk);
      if (proj) {
        if (proj[1] === undefined) return weight(`projector.linear_1.${proj[2]}`);
        const index = Number(proj[1]);
        // Odd indices are the parameter-free activations of the Sequential.
        return index % 2 === 0 ? weight(`projector.linear_${index / 2 + 1}.${proj[2]}`) : UNKNOWN;
      }
      if (disk.startsWith("model.mm_projector.")) return UNKNOWN;
      if (disk.startsWith(towerPrefix)) return tower.toCanonical(disk.slice(towerPrefix.length));
      if (disk.startsWith("model.vision_tower.")) return UNKNOWN;
      return DECODER_LAYOUT.toCanonical(disk);
    },
    toDiskName(canonical: string): string {
      const proj = PROJECTOR.exec(canonical);
      if (proj && projector === "linear" && proj[1] === "1") return `model.mm_projector.${proj[2]}`;
      if (proj && projector === "mlp") return `model.mm_projector.${(Number(proj[1]) - 1) * 2}.${proj[2]}`;
      if (proj) throw noDiskName(name, canonical);
      if (isLlm(canonical)) return canonical;
      return towerPrefix + tower.toDiskName(canonical);
    },
  };
}
