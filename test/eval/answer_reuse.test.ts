// Reuse across questions about one image (answer_reuse.ts): answering with the image features and the shared
// prompt prefix's keys and values kept gives the answers of recomputing everything, question by question, on a
// tiny LLaVA checkpoint (PyTorch-made fixture, random weights) with three questions about each of two images,
// asked in POPE's order and interleaved; and the reuse did happen (each image's tower ran once, positions came
// from the cache).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadSampleImage } from "../../src/data/sample_image.ts";
import { getTemplate } from "../../src/data/templates/index.ts";
import { encodePrompt, generateAnswers } from "../../src/eval/harness/answer_generator.ts";
import { AnswerReuse } from "../../src/eval/harness/answer_reuse.ts";
import { loadEvalModel } from "../../src/eval/harness/eval_model.ts";
import { renderPrompt, shortAnswerText } from "../../src/eval/harness/prompts.ts";
import { modelDir, tempDir, writeImage } from "./harness_setup.ts";

const QUESTIONS = ["Is there a dog?", "Is there a red car in the image?", "Is there a dog in the image?"];
const DECODING = { maxNewTokens: 8, temperature: 0, topK: 0, topP: 1, seed: 0 };

test("answers with reused image features and prompt prefixes equal those recomputed, question by question", async () => {
  const root = tempDir();
  const m = loadEvalModel({ model: modelDir(root, "llava_hf") });
  const template = getTemplate("vicuna_v1", m.tokenizer);
  const images: Float32Array[] = [];
  for (const seed of [1, 2]) {
    await writeImage(join(root, "images", `${seed}.png`), seed);
    const loaded = await loadSampleImage(`${seed}.png`, {
      imageFolder: join(root, "images"),
      processor: m.processor,
      aspectRatio: m.aspectRatio,
    });
    assert.ok(!("bad" in loaded));
    images.push(loaded.pixelValues);
  }
  const prompt = (q: string) => encodePrompt(m, renderPrompt(template, shortAnswerText(q), false));
  // By image (as POPE's files order them), then alternating images.
  const asked = [
    ...[0, 1].flatMap((image) => QUESTIONS.map((q) => ({ image, q }))),
    ...QUESTIONS.flatMap((q) => [0, 1].map((image) => ({ image, q }))),
  ];
  const recomputed = asked.map(({ image, q }) =>
    generateAnswers({ ...m, reuse: undefined }, [prompt(q)], [images[image]], DECODING),
  );
  const reuse = new AnswerReuse();
  const reused = asked.map(({ image, q }) =>
    generateAnswers({ ...m, reuse }, [prompt(q)], [images[image]], DECODING),
  );
  assert.deepEqual(reused, recomputed);
  assert.equal(reuse.counts.imagesComputed, 2);
  assert.equal(reuse.counts.imagesReused, asked.length - 2);
  assert.ok(
    reuse.counts.positionsReused > asked.length * m.model.tokensPerImage,
    JSON.stringify(reuse.counts),
  );
  // A batch of several prompts reuses the features only.
  const batched = generateAnswers(
    { ...m, reuse },
    [prompt(QUESTIONS[0]), prompt(QUESTIONS[1])],
    images,
    DECODING,
  );
  assert.deepEqual(
    batched,
    generateAnswers(
      { ...m, reuse: undefined },
      [prompt(QUESTIONS[0]), prompt(QUESTIONS[1])],
      images,
      DECODING,
    ),
  );
});
