// `npm run soak [-- --steps N --every K]`: thousands of sandbox training steps (the pretrained sandbox LLM and
// tower, LayerNorm tuning on the world's instruction data), with an evaluation every K steps (greedy answers to
// validation questions about their images). The process's RSS is sampled at each evaluation; after a warm-up
// it must stay flat. Prints the samples and the least-squares slope of RSS over steps.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { answer } from "../src/chat/chat.ts";
import { batchInputs } from "../src/data/batch_inputs.ts";
import { processImage } from "../src/data/clip_preprocess.ts";
import { LlavaDataset } from "../src/data/llava_dataset.ts";
import { getTemplate } from "../src/data/templates/index.ts";
import { decodeImage } from "../src/io/image.ts";
import { loadTokenizer } from "../src/io/tokenizer.ts";
import { composeLlava } from "../src/models/compose.ts";
import { IMAGE_SIZE } from "../src/sandbox/prepare.ts";
import { sandboxModels } from "../src/sandbox/pretrained/shipped.ts";
import { writeWorldData } from "../src/sandbox/world/datasets.ts";
import { noGrad } from "../src/tensor/autograd.ts";
import { Rng } from "../src/tensor/rng.ts";
import { train } from "../src/train/trainer.ts";
import { applyMethod } from "../src/tuning/apply.ts";
import { methodSpec } from "../src/tuning/methods.ts";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "2000" },
    every: { type: "string", default: "100" },
    seed: { type: "string", default: "0" },
  },
});
const steps = Number(values.steps);
const every = Number(values.every);
const seed = Number(values.seed);

const dir = mkdtempSync(join(tmpdir(), "lntune-soak-"));
try {
  const world = await writeWorldData(join(dir, "world"), {
    seed,
    size: IMAGE_SIZE,
    train: 512,
    val: 16,
    test: 1,
    textScenes: 0,
    popeImages: 0,
  });
  const { llm, vision } = sandboxModels();
  const model = composeLlava(llm, vision, { seed });
  applyMethod(model, methodSpec("ln"), {}, new Rng(seed));
  model.train();
  const tokenizer = loadTokenizer(llm);
  const template = getTemplate("vicuna_v1", tokenizer);
  const processor = model.preprocessing.imageProcessor;
  const data = await LlavaDataset.open({
    dataPath: world.train.mix,
    imageFolder: world.train.images,
    tokenizer,
    template,
    processor,
    batchSize: 4,
    seed,
  });
  const questions = (
    JSON.parse(readFileSync(world.val.vqav2.questions, "utf8")) as {
      questions: Array<{ image_id: number; question: string }>;
    }
  ).questions.slice(0, 8);
  const scenes = JSON.parse(readFileSync(world.val.scenes, "utf8")) as Array<{ id: number; image: string }>;
  const imageOf = new Map(scenes.map((s) => [s.id, join(world.val.images, s.image)]));
  const evalSet = await Promise.all(
    questions.map(async (q) => ({
      prompt: q.question,
      image: processImage(await decodeImage(imageOf.get(q.image_id)!), processor, "pad").pixelValues,
    })),
  );

  const samples: Array<{ step: number; rssMiB: number; heapMiB: number }> = [];
  const t0 = Date.now();
  await train(
    model,
    data,
    (b) => {
      const out = model.forwardMultimodal({ ...batchInputs(model, b), logits: "none" });
      // Every position the LLM ran, image features included, as the finetune command counts them.
      return { loss: out.loss!, tokens: out.plan.attentionMask.reduce((n, m) => n + m, 0) };
    },
    {
      outputDir: join(dir, "run"),
      lr: 2e-2,
      maxSteps: steps,
      seed,
      progress: "auto",
      probe: {
        every,
        file: "soak.jsonl",
        run: () => {
          // The periodic evaluation: answers under noGrad, as the eval harness gives them.
          noGrad(() => {
            for (const q of evalSet) answer(model, tokenizer, { ...q, maxNewTokens: 8 });
          });
          const m = process.memoryUsage();
          const sample = {
            step: samples.length * every,
            rssMiB: m.rss / 2 ** 20,
            heapMiB: m.heapUsed / 2 ** 20,
          };
          samples.push(sample);
          return sample;
        },
      },
    },
  );
  const warm = samples.slice(Math.min(2, samples.length - 2));
  const n = warm.length;
  const mx = warm.reduce((s, x) => s + x.step, 0) / n;
  const my = warm.reduce((s, x) => s + x.rssMiB, 0) / n;
  const slope =
    warm.reduce((s, x) => s + (x.step - mx) * (x.rssMiB - my), 0) /
    warm.reduce((s, x) => s + (x.step - mx) ** 2, 0);
  process.stdout.write("step      RSS MiB   heap MiB\n");
  for (const x of samples)
    process.stdout.write(
      `${String(x.step).padStart(6)} ${x.rssMiB.toFixed(1).padStart(10)} ${x.heapMiB.toFixed(1).padStart(10)}\n`,
    );
  process.stdout.write(
    `${steps} steps, ${samples.length} evaluations in ${((Date.now() - t0) / 1000).toFixed(0)} s; RSS slope after warm-up: ${(slope * 1000).toFixed(2)} MiB per 1000 steps\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
