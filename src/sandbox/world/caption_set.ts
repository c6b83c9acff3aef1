// Caption test sets in the COCO caption format the scorers read ({images: [{id, file_name}], annotations:
// [{image_id, id, caption}]}, as the Karpathy test splits of COCO and Flickr30k are distributed for
// pycocoevalcap): five references per image, in the COCO style or the Flickr30k style.
import type { Rng } from "../../tensor/rng.ts";
import { CAPTIONS_PER_IMAGE, cocoCaptions, flickrCaptions } from "./language.ts";
import type { WorldImage } from "./llava_data.ts";

export type CaptionStyle = "coco" | "flickr30k";

export interface CaptionSet {
  images: Array<{ id: number; file_name: string; width: number; height: number }>;
  annotations: Array<{ image_id: number; id: number; caption: string }>;
}

export function captionSet(style: CaptionStyle, images: readonly WorldImage[], rng: Rng): CaptionSet {
  const write = style === "coco" ? cocoCaptions : flickrCaptions;
  const set: CaptionSet = { images: [], annotations: [] };
  for (const image of images) {
    const { size } = image.scene;
    set.images.push({ id: image.id, file_name: image.file, width: size, height: size });
    for (const caption of write(image.scene, rng, CAPTIONS_PER_IMAGE))
      set.annotations.push({ image_id: image.id, id: set.annotations.length + 1, caption });
  }
  return set;
}
