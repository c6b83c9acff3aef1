// MME-style subtasks in MME's released layout: <subtask>/<name>.jpg beside <subtask>/<name>.txt, each txt two
// lines "question<TAB>Yes" and "question<TAB>No" about the image (the layout MME uses for existence, count,
// position and color).
import type { Rng } from "../../tensor/rng.ts";
import { MME_WORLD_SUBTASKS, type MmeWorldSubtask, mmePair } from "./language.ts";
import type { WorldImage } from "./llava_data.ts";

export interface MmeEntry {
  subtask: MmeWorldSubtask;
  image: WorldImage;
  /** The image's file name inside the subtask folder; its txt has the same stem. */
  name: string;
  /** The txt file's content. */
  text: string;
}

/** `perSubtask` images for each subtask, drawn at random from `images` (independently per subtask). */
export function mmeSet(images: readonly WorldImage[], perSubtask: number, rng: Rng): MmeEntry[] {
  return MME_WORLD_SUBTASKS.flatMap((subtask) =>
    rng
      .shuffle([...images])
      .slice(0, perSubtask)
      .map((image) => {
        const [yes, no] = mmePair(image.scene, subtask, rng);
        const name = `${String(image.id).padStart(12, "0")}.jpg`;
        return { subtask, image, name, text: `${yes}\tYes\n${no}\tNo\n` };
      }),
  );
}
