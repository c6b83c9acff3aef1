// Against PIL + numpy (tools/make_image_fixtures.py). The resize re-implements Pillow's fixed-point bicubic,
// so the uint8 pixels agree exactly; the only differences are float rounding in rescale/normalise.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  centerCrop,
  expand2square,
  padBackground,
  processImage,
  resizeOutputSize,
} from "../../src/data/clip_preprocess.ts";
import { loadSampleImage } from "../../src/data/sample_image.ts";
import { parseClipImageProcessorConfig } from "../../src/io/config/clip_preprocessor_config.ts";
import { Fields } from "../../src/io/config/fields.ts";
import { decodeImage } from "../../src/io/image.ts";

/** CLIPImageProcessor defaults (openai/clip-vit-large-patch14-336, LLaVA-1.5's tower) with overrides. */
const clipConfig = (over: Record<string, unknown> = {}) =>
  parseClipImageProcessorConfig(new Fields("preprocessor_config.json", over), 336);

const DIR = fileURLToPath(new URL("../fixtures/images", import.meta.url));
const index = JSON.parse(readFileSync(`${DIR}/expected.json`, "utf8"));
const blob = readFileSync(`${DIR}/expected.bin`);
/** Measured max abs difference is ~2.4e-7 (float32 rounding); one level of uint8 would be ~0.015. */
const TOLERANCE = 1e-6;

test("CLIP preprocessing matches HF CLIPImageProcessor with Pillow bicubic", async () => {
  let maxDiff = 0;
  for (const entry of index.images) {
    const image = await decodeImage(`${DIR}/${entry.image}`);
    for (const c of entry.cases) {
      const config = clipConfig({ size: { shortest_edge: c.shortest_edge }, crop_size: c.crop });
      const { pixelValues, height, width } = processImage(image, config, c.aspect);
      assert.deepEqual([height, width], [c.crop, c.crop]);
      const bytes = blob.subarray(c.offset, c.offset + c.length * 4);
      const expected = new Float32Array(new Uint8Array(bytes).buffer);
      assert.equal(pixelValues.length, expected.length);
      for (let i = 0; i < expected.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(pixelValues[i] - expected[i]));
    }
  }
  assert.ok(maxDiff < TOLERANCE, `max abs difference ${maxDiff}`);
});

test("resize, crop and pad geometry", () => {
  assert.deepEqual(resizeOutputSize(640, 480, 336), { width: 448, height: 336 });
  assert.deepEqual(resizeOutputSize(333, 500, 336), { width: 336, height: 504 });
  assert.deepEqual(padBackground(clipConfig()), [122, 116, 104]);
  const img = { width: 3, height: 1, data: new Uint8Array([1, 1, 1, 2, 2, 2, 3, 3, 3]) };
  const square = expand2square(img, [9, 8, 7]);
  assert.deepEqual([...square.data.subarray(9, 18)], [1, 1, 1, 2, 2, 2, 3, 3, 3]);
  assert.deepEqual([...square.data.subarray(0, 3)], [9, 8, 7]);
  assert.deepEqual([...centerCrop(img, 1, 1).data], [2, 2, 2]);
  // Larger crop: zero padding with the image centred (ceil).
  assert.deepEqual([...centerCrop(img, 4, 1).data], [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
});

test("sample images: missing, undecodable, too large and escaping paths", async () => {
  const options = { imageFolder: DIR, processor: clipConfig({ size: 8, crop_size: 8 }) };
  const ok = await loadSampleImage("photo_45x31.jpg", options);
  assert.ok("pixelValues" in ok && ok.pixelValues.length === 3 * 8 * 8);
  assert.deepEqual(await loadSampleImage("missing.png", options), { bad: "image_missing" });
  assert.deepEqual(await loadSampleImage("expected.json", options), { bad: "image_undecodable" });
  assert.deepEqual(await loadSampleImage("photo_45x31.jpg", { ...options, maxPixels: 100 }), {
    bad: "image_too_large",
  });
  assert.deepEqual(await loadSampleImage("../data/mixed.jsonl", options), { bad: "image_path_escapes" });
  await assert.rejects(loadSampleImage("missing.png", { ...options, strict: true }), /image not found/);
  await assert.rejects(loadSampleImage("/etc/hostname", { ...options, strict: true }), /escapes/);
});
