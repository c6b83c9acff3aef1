// The settings a loaded LLaVA carries, found by one rule (families/llava/preprocessing.ts): the image
// processor of the directory holding the tower, then of the model directory, else the tower family's
// defaults; model_max_length and padding side from the checkpoint, the length replaceable. Evaluation and
// chat read the carried settings, so they preprocess a checkpoint as training does.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { imageProcessorFor } from "../../../src/chat/chat_image.ts";
import { loadEvalModel } from "../../../src/eval/harness/eval_model.ts";
import { loadLlava } from "../../../src/models/load.ts";
import { FIXTURES } from "../fixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "lntune-preprocessing-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function copy(name: string): string {
  const dir = join(tmp, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

test("original layout: the tower directory's processor wins over the model directory's, for every command", () => {
  const dir = copy("llava_original");
  // A different processor beside the model: LLaVA reads its tower's (CLIPImageProcessor.from_pretrained).
  writeFileSync(
    join(dir, "preprocessor_config.json"),
    JSON.stringify({
      image_processor_type: "CLIPImageProcessor",
      size: { shortest_edge: 40 },
      crop_size: 40,
    }),
  );
  const model = loadLlava(dir);
  assert.equal(model.preprocessing.imageProcessorFile, join(dir, "clip", "preprocessor_config.json"));
  assert.deepEqual(model.preprocessing.imageProcessor.size, { shortest_edge: 28 });
  assert.deepEqual(imageProcessorFor(model), model.preprocessing.imageProcessor);
  const tokenizer = fileURLToPath(new URL("../../../assets/tokenizers/llama2", import.meta.url));
  assert.deepEqual(loadEvalModel({ model: dir, tokenizer }).processor, model.preprocessing.imageProcessor);
  // The checkpoint's training settings: tokenizer_model_max_length 2048, right padding; --max-length replaces.
  assert.deepEqual([model.preprocessing.modelMaxLength, model.preprocessing.paddingSide], [2048, "right"]);
  assert.equal(loadLlava(dir, { modelMaxLength: 77 }).preprocessing.modelMaxLength, 77);
});

test("without a processor file: the tower family's defaults at the tower's image size", () => {
  const clip = loadLlava(join(FIXTURES, "llava_hf")).preprocessing;
  assert.equal(clip.imageProcessorFile, null);
  assert.deepEqual(
    [clip.imageProcessor.size, clip.imageProcessor.do_center_crop, clip.imageProcessor.image_mean],
    [{ shortest_edge: 28 }, true, [0.48145466, 0.4578275, 0.40821073]],
  );
  // SiglipImageProcessor: a square resize, no crop, mean and std 0.5.
  const siglip = loadLlava(join(FIXTURES, "llava_qwen2_siglip")).preprocessing;
  assert.deepEqual(
    [siglip.imageProcessor.size, siglip.imageProcessor.do_center_crop, siglip.imageProcessor.image_std],
    [{ height: 28, width: 28 }, false, [0.5, 0.5, 0.5]],
  );
  assert.deepEqual([siglip.modelMaxLength, siglip.paddingSide], [null, "right"]);
});

test("a processor file is read as its image_processor_type says; an unknown one is refused by name", () => {
  const dir = copy("llava_qwen2_siglip");
  const file = join(dir, "preprocessor_config.json");
  writeFileSync(
    file,
    JSON.stringify({
      image_processor_type: "SiglipImageProcessor",
      size: { height: 28, width: 28 },
      resample: 2,
    }),
  );
  const p = loadLlava(dir).preprocessing;
  assert.equal(p.imageProcessorFile, file);
  assert.deepEqual([p.imageProcessor.resample, p.imageProcessor.do_center_crop], [2, false]);
  writeFileSync(file, JSON.stringify({ image_processor_type: "LlavaOnevisionImageProcessor" }));
  assert.throws(
    () => loadLlava(dir),
    new RegExp(
      `${file}: field "image_processor_type": "LlavaOnevisionImageProcessor" is not an image processor`,
    ),
  );
});
