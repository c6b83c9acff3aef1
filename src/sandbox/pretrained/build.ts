// Makes the sandbox's pretrained models: a BPE tokenizer trained on the pretraining text, a LLaMA pretrained
// on English passages and world text, and a CLIP vision tower pretrained on scene attributes, each saved as a
// Hugging Face checkpoint (BF16 weights), then evaluated (probe.json, build.json and a README saying how they
// were made; see evaluate_models.ts).
// The directory is assembled beside its destination and renamed into place. Given the same English text, seed
// and scale, the output bytes depend only on the machine and the kernels' thread count.
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { loadTokenizer } from "../../io/tokenizer.ts";
import { saveClipVision, saveLlama } from "../../models/save.ts";
import type { Module } from "../../nn/module.ts";
import { Rng } from "../../tensor/rng.ts";
import { computeThreads } from "../../tensor/runtime.ts";
import { worldLanguage } from "../world/language.ts";
import { countWords, trainBpe } from "./bpe_trainer.ts";
import type { BuildReport, TrainingRecord } from "./build_readme.ts";
import {
  hfClipVisionConfigJson,
  hfLlamaConfigJson,
  LLM_MAX_LENGTH,
  PRETRAINED_LLM,
  PRETRAINED_VISION,
  preprocessorConfig,
  preprocessorConfigJson,
} from "./configs.ts";
import { ALPHABET, samplePassages } from "./english_text.ts";
import { SCENE_SIZES, TEXT_SCENE_SIZE, writeEvaluation } from "./evaluate_models.ts";
import { pretrainLlm } from "./llm_pretrain.ts";
import { docText, worldDocuments } from "./text_corpus.ts";
import { SPECIALS_IN_ID_ORDER, writeTokenizer } from "./tokenizer_files.ts";
import { pretrainVision } from "./vision_pretrain.ts";

/** How much data and training; `BUILD_SCALES.full` makes the shipped models. */
export interface BuildScale {
  englishPassages: number;
  worldScenes: number;
  heldOutScenes: number;
  llmEpochs: number;
  visionSteps: number;
  probeTrainScenes: number;
  probeTestScenes: number;
  textQuestions: number;
}

export const BUILD_SCALES: Record<"full" | "tiny", BuildScale> = {
  full: {
    englishPassages: 400,
    worldScenes: 800,
    heldOutScenes: 60,
    llmEpochs: 1,
    visionSteps: 200,
    probeTrainScenes: 600,
    probeTestScenes: 300,
    textQuestions: 60,
  },
  // A smoke run of every stage, in a minute or two.
  tiny: {
    englishPassages: 40,
    worldScenes: 20,
    heldOutScenes: 5,
    llmEpochs: 1,
    visionSteps: 3,
    probeTrainScenes: 40,
    probeTestScenes: 20,
    textQuestions: 5,
  },
};

/** Longest English passage, in characters. */
const PASSAGE_CHARS = 600;
const LLM_BATCH = 16;
const LLM_LR = 2e-3;
const VISION_BATCH = 32;
const VISION_LR = 2e-3;

export interface BuildOptions {
  outDir: string;
  /** Raw English documents; a seeded selection of their passages is used. */
  english: readonly string[];
  /** Where the English came from, for the README. */
  englishSource: string;
  /** The command that ran the build, for the README. */
  command: string;
  seed: number;
  scale: BuildScale;
  progress: "auto" | "quiet";
  log: (line: string) => void;
}

/** Every parameter stored as BF16 when saved. */
function storeBf16(m: Module): void {
  for (const p of m.parameters()) p.checkpointDtype = "bf16";
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export async function buildSandboxModels(o: BuildOptions): Promise<BuildReport> {
  const s = o.scale;
  const staging = `${o.outDir}.partial-${process.pid}`;
  const work = mkdtempSync(join(tmpdir(), "lntune-sandbox-build-"));
  rmSync(staging, { recursive: true, force: true });
  const llmDir = join(staging, "llm");
  const visionDir = join(staging, "vision");
  try {
    o.log("1/5 text corpus");
    const english = samplePassages(o.english, s.englishPassages, PASSAGE_CHARS, o.seed);
    const world = worldDocuments(s.worldScenes, TEXT_SCENE_SIZE, o.seed + 1);
    const docs = new Rng(o.seed + 3).shuffle([
      ...english.map((text) => ({ kind: "text" as const, text })),
      ...world,
    ]);

    o.log(`2/5 tokenizer: BPE, ${PRETRAINED_LLM.vocab_size} tokens`);
    const words = countWords([...docs.map(docText), ...worldLanguage()].map((t) => [t, 1] as const));
    const bpe = trainBpe(words, {
      vocabSize: PRETRAINED_LLM.vocab_size,
      specials: SPECIALS_IN_ID_ORDER,
      alphabet: ALPHABET,
    });
    writeTokenizer(llmDir, bpe, LLM_MAX_LENGTH);
    const tokenizer = loadTokenizer(llmDir);
    const unk = worldLanguage().find((t) => tokenizer.encode(t).includes(tokenizer.unkTokenId!));
    if (unk !== undefined) throw new Error(`the tokenizer maps part of "${unk}" to <unk>`);

    o.log("3/5 LLM: text pretraining, every parameter trained");
    const llm = await pretrainLlm({
      config: PRETRAINED_LLM,
      tokenizer,
      docs,
      seed: o.seed,
      epochs: s.llmEpochs,
      batchSize: LLM_BATCH,
      maxLength: LLM_MAX_LENGTH,
      lr: LLM_LR,
      runDir: join(work, "llm-run"),
      progress: o.progress,
    });
    storeBf16(llm.model);
    saveLlama(llmDir, llm.model);
    // save.ts writes the fields lntune reads; transformers writes every LlamaConfig attribute.
    writeFileAtomic(join(llmDir, "config.json"), json(hfLlamaConfigJson(PRETRAINED_LLM)));

    o.log("4/5 vision tower: supervised on scene attributes");
    const vision = await pretrainVision({
      config: PRETRAINED_VISION,
      processor: preprocessorConfig(PRETRAINED_VISION.image_size),
      sceneSizes: SCENE_SIZES,
      seed: o.seed,
      steps: s.visionSteps,
      batchSize: VISION_BATCH,
      lr: VISION_LR,
      runDir: join(work, "vision-run"),
      progress: o.progress,
    });
    storeBf16(vision.tower);
    saveClipVision(visionDir, vision.tower, preprocessorConfigJson(PRETRAINED_VISION.image_size));
    writeFileAtomic(
      join(visionDir, "config.json"),
      json(hfClipVisionConfigJson(PRETRAINED_VISION, "bfloat16")),
    );

    o.log("5/5 evaluation: held-out text, text-only answers, linear probe");
    const training: TrainingRecord = {
      command: o.command,
      seed: o.seed,
      threads: computeThreads(),
      englishSource: o.englishSource,
      scale: s,
      corpus: { englishPassages: english.length, worldDocuments: world.length },
      tokenizer: { vocabSize: bpe.vocab.length, merges: bpe.merges.length },
      llm: {
        epochs: s.llmEpochs,
        steps: llm.steps,
        batchSize: LLM_BATCH,
        lr: LLM_LR,
        finalLoss: llm.finalLoss,
      },
      vision: { steps: s.visionSteps, batchSize: VISION_BATCH, lr: VISION_LR, finalLoss: vision.finalLoss },
    };
    const report = writeEvaluation(staging, training);
    replaceDir(staging, o.outDir);
    return report;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Moves the finished build into place; an existing `dir` must be an earlier build (it has build.json). */
function replaceDir(staging: string, dir: string): void {
  if (!existsSync(dir)) {
    renameSync(staging, dir);
    return;
  }
  if (readdirSync(dir).length > 0 && !existsSync(join(dir, "build.json")))
    throw new Error(`${dir}: exists and is not a sandbox model build (no build.json); not replacing it`);
  const old = `${dir}.old-${process.pid}`;
  renameSync(dir, old);
  renameSync(staging, dir);
  rmSync(old, { recursive: true, force: true });
}
