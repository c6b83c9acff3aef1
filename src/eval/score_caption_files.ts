// Caption scores from a COCO-format annotation file (`{images, annotations: [{image_id, caption}]}`,
// e.g. Karpathy COCO or Flickr30k test) and results `[{image_id, caption}]`.
//
// The images scored are those in the results, as in pycocoevalcap's demo
// (`params['image_id'] = cocoRes.getImgIds()`); document frequencies for CIDEr-D are therefore
// taken over those images' references.
import { type CaptionItem, type CaptionScores, captionScores } from "./metrics/caption_scores.ts";
import { arrayField, fields, isRecord, readJson } from "./read_input.ts";

export interface CaptionReport extends CaptionScores {
  images: number;
}

export function scoreCaptionFiles(annotationsPath: string, resultsPath: string): CaptionReport {
  const data = readJson(annotationsPath);
  const references = new Map<string, { imageId: number | string; captions: string[] }>();
  // Image-list order first (the order pycocotools keeps), then any image only seen in annotations.
  if (isRecord(data) && data.images !== undefined) {
    arrayField(annotationsPath, data, "images").forEach((entry, i) => {
      const imageId = fields(annotationsPath, `image ${i}`, entry).id("id");
      references.set(String(imageId), { imageId, captions: [] });
    });
  }
  arrayField(annotationsPath, data, "annotations").forEach((entry, i) => {
    const f = fields(annotationsPath, `annotation ${i}`, entry);
    const imageId = f.id("image_id");
    const key = String(imageId);
    const refs = references.get(key) ?? { imageId, captions: [] };
    refs.captions.push(f.string("caption"));
    references.set(key, refs);
  });

  const candidates = new Map<string, string>();
  arrayField(resultsPath, readJson(resultsPath)).forEach((entry, i) => {
    const f = fields(resultsPath, `result ${i}`, entry);
    const key = String(f.id("image_id"));
    if (candidates.has(key)) throw new Error(`${resultsPath}: more than one caption for image_id ${key}`);
    const refs = references.get(key);
    if (!refs) throw new Error(`${resultsPath}: image_id ${key} is not in ${annotationsPath}`);
    if (refs.captions.length === 0)
      throw new Error(`${annotationsPath}: image_id ${key} has no reference captions`);
    candidates.set(key, f.string("caption"));
  });
  if (candidates.size === 0) throw new Error(`${resultsPath}: no results`);

  const items: CaptionItem[] = [];
  for (const [key, refs] of references) {
    const candidate = candidates.get(key);
    if (candidate !== undefined) items.push({ imageId: refs.imageId, candidate, references: refs.captions });
  }
  return { ...captionScores(items), images: items.length };
}
