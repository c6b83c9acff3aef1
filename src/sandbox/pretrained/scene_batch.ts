// Scenes of the sandbox world as a vision tower sees them: rendered, run through the tower's
// CLIPImageProcessor, and paired with their attribute records (the supervision and probe targets).
import { clipPreprocess } from "../../data/clip_preprocess.ts";
import type { CLIPImageProcessorConfig } from "../../io/config/clip_preprocessor_config.ts";
import type { Rng } from "../../tensor/rng.ts";
import { renderScene, type SceneAttributes, sampleScene, sceneAttributes } from "../world/scene.ts";

export interface SceneBatch {
  n: number;
  /** [n, 3, S, S] normalised pixel values. */
  pixels: Float32Array;
  attributes: SceneAttributes[];
}

/** `n` random scenes, each rendered at a size drawn from `sizes` and preprocessed to the tower's input. */
export function sceneBatch(
  rng: Rng,
  n: number,
  sizes: readonly number[],
  processor: CLIPImageProcessorConfig,
): SceneBatch {
  if (!(n > 0)) throw new Error(`a scene batch needs at least one scene, got ${n}`);
  const attributes: SceneAttributes[] = [];
  const planes: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const size = sizes[rng.int(sizes.length)];
    const scene = sampleScene(rng, size);
    attributes.push(sceneAttributes(scene));
    planes.push(
      clipPreprocess({ width: size, height: size, data: renderScene(scene) }, processor).pixelValues,
    );
  }
  const pixels = new Float32Array(n * planes[0].length);
  planes.forEach((p, i) => {
    pixels.set(p, i * p.length);
  });
  return { n, pixels, attributes };
}
