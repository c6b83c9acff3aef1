// Evaluates a sandbox model build from its files and writes probe.json, build.json and README.md beside the
// checkpoints. Everything measured is a function of the files and the build's seed and scale, so the
// evaluation of a finished build can be rerun on its own (tools/make_sandbox_models.ts --evaluate-only).
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { loadTokenizer } from "../../io/tokenizer.ts";
import { CLIPVisionModel } from "../../models/clip/vision_model.ts";
import { LlamaForCausalLM } from "../../models/llama/model.ts";
import { loadClipVision, loadLlama } from "../../models/load.ts";
import { Rng } from "../../tensor/rng.ts";
import { type BuildReport, buildReadme, type EvaluationRecord, type TrainingRecord } from "./build_readme.ts";
import { LLM_MAX_LENGTH, PRETRAINED_LLM, PRETRAINED_VISION, preprocessorConfig } from "./configs.ts";
import { linearProbe } from "./linear_probe.ts";
import { meanTextLoss } from "./llm_pretrain.ts";
import { parameterShares } from "./parameter_shares.ts";
import { textAnswerAccuracy } from "./text_answers.ts";
import { worldDocuments } from "./text_corpus.ts";

/** Scene image sizes the tower is pretrained and probed on (resized to its 64-pixel input). */
export const SCENE_SIZES = [64, 96] as const;
/** Image size of the scenes whose text the LLM is pretrained and evaluated on (the text does not depend on it). */
export const TEXT_SCENE_SIZE = 64;

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Held-out data comes from seeds the training data does not use (training: seed, seed + 1, seed + 3). */
export function evaluateBuild(dir: string, t: TrainingRecord): EvaluationRecord {
  const s = t.scale;
  const llmDir = join(dir, "llm");
  const tokenizer = loadTokenizer(llmDir);
  const shipped = loadLlama(llmDir);
  const initial = new LlamaForCausalLM(PRETRAINED_LLM, new Rng(t.seed)).eval();
  const heldOut = worldDocuments(s.heldOutScenes, TEXT_SCENE_SIZE, t.seed + 2);
  const probeOptions = {
    processor: preprocessorConfig(PRETRAINED_VISION.image_size),
    sceneSizes: SCENE_SIZES,
    trainScenes: s.probeTrainScenes,
    testScenes: s.probeTestScenes,
    seed: t.seed + 4,
  };
  const tower = loadClipVision(join(dir, "vision"));
  return {
    llm: {
      shares: parameterShares(shipped),
      heldOutDocuments: heldOut.length,
      heldOutLoss: meanTextLoss(shipped, tokenizer, heldOut, LLM_MAX_LENGTH),
      randomInitHeldOutLoss: meanTextLoss(initial, tokenizer, heldOut, LLM_MAX_LENGTH),
      textQuestions: s.textQuestions,
      textAnswerAccuracy: textAnswerAccuracy(shipped, tokenizer, s.textQuestions, t.seed + 5),
      randomInitTextAnswerAccuracy: textAnswerAccuracy(initial, tokenizer, s.textQuestions, t.seed + 5),
      yesNoRequestAccuracy: textAnswerAccuracy(shipped, tokenizer, s.textQuestions, t.seed + 6, true),
    },
    vision: {
      parameters: tower.parameters().reduce((n, p) => n + p.size, 0),
      probe: {
        shipped: linearProbe(tower, probeOptions),
        random: linearProbe(new CLIPVisionModel(PRETRAINED_VISION, new Rng(t.seed)), probeOptions),
      },
    },
  };
}

/** Evaluates the build in `dir` and writes its probe.json, build.json and README.md. */
export function writeEvaluation(dir: string, training: TrainingRecord): BuildReport {
  const evaluation = evaluateBuild(dir, training);
  const report: BuildReport = { ...training, evaluation };
  const probe = {
    features: "region / mean patch tokens of hidden_states[-2] (the layer LLaVA feeds its connector)",
    trainScenes: training.scale.probeTrainScenes,
    testScenes: training.scale.probeTestScenes,
    sceneSizes: SCENE_SIZES,
    ...evaluation.vision.probe,
  };
  writeFileAtomic(join(dir, "probe.json"), json(probe));
  writeFileAtomic(join(dir, "build.json"), json(report));
  writeFileAtomic(join(dir, "README.md"), buildReadme(report));
  return report;
}
