// What a sandbox model build records (build.json) and the README written beside the checkpoints from it.
import type { BuildScale } from "./build.ts";
import { PRETRAINED_LLM, PRETRAINED_VISION } from "./configs.ts";
import type { ProbeAccuracy } from "./linear_probe.ts";
import { PROBED } from "./linear_probe.ts";
import type { ParameterShares } from "./parameter_shares.ts";

/** What training did, known only while it runs. */
export interface TrainingRecord {
  command: string;
  seed: number;
  threads: number;
  englishSource: string;
  scale: BuildScale;
  corpus: { englishPassages: number; worldDocuments: number };
  tokenizer: { vocabSize: number; merges: number };
  llm: { epochs: number; steps: number; batchSize: number; lr: number; finalLoss: number };
  vision: { steps: number; batchSize: number; lr: number; finalLoss: number };
}

/** What the finished files measure (evaluate_models.ts). */
export interface EvaluationRecord {
  llm: {
    shares: ParameterShares;
    heldOutDocuments: number;
    heldOutLoss: number;
    randomInitHeldOutLoss: number;
    textQuestions: number;
    textAnswerAccuracy: number;
    randomInitTextAnswerAccuracy: number;
    /** Yes/no questions followed by MME's "Please answer yes or no." (as many as textQuestions). */
    yesNoRequestAccuracy: number;
  };
  vision: { parameters: number; probe: { shipped: ProbeAccuracy; random: ProbeAccuracy } };
}

export type BuildReport = TrainingRecord & { evaluation: EvaluationRecord };

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
const n = (x: number) => x.toLocaleString("en-US");

export function buildReadme(r: BuildReport): string {
  const l = PRETRAINED_LLM;
  const v = PRETRAINED_VISION;
  const e = r.evaluation;
  const probeRows = PROBED.map(
    (k) => `| ${k} | ${pct(e.vision.probe.shipped[k])} | ${pct(e.vision.probe.random[k])} |`,
  ).join("\n");
  return `# Sandbox models

Pretrained tiny models for \`lntune demo\`, made by lntune itself (the loader is \`sandboxModels()\` in
\`src/sandbox/pretrained/shipped.ts\`). Weights are BF16 safetensors in Hugging Face layouts.

Made with

    ${r.command}

(seed ${r.seed}, ${r.threads} kernel threads; about 20 minutes on two otherwise idle cores). The same command,
seed and thread count on the same machine give the same bytes.

## llm/ — LLaMA (\`LlamaForCausalLM\`)

${l.num_hidden_layers} layers, hidden ${l.hidden_size}, intermediate ${l.intermediate_size}, ${l.num_attention_heads} heads, vocabulary ${l.vocab_size}, untied head:
${n(e.llm.shares.total)} parameters. Word embeddings + head are ${pct(e.llm.shares.embeddingsAndHeadShare, 2)} of them
(LLaMA-7B: 3.9%) and the block norms ${pct(e.llm.shares.blockNormsShare, 3)} (LLaMA-7B: 0.004%).

Tokenizer: byte-pair encoding trained by lntune on the pretraining text (${r.tokenizer.vocabSize} tokens:
\`<unk>\` 0, \`<s>\` 1, \`</s>\` 2, \`<pad>\` 3, printable ASCII and newline, ${r.tokenizer.merges} merges),
in the layout of LLaMA's Hugging Face tokenizer; characters outside printable ASCII become \`<unk>\`.

Pretraining, every parameter trained with lntune's trainer: ${r.corpus.englishPassages} English passages
(${r.englishSource}) and ${r.corpus.worldDocuments} documents about random world scenes: plain
descriptions, and text-only conversations in the vicuna_v1 template with the scene in words where the image
would be (captions, LLaVA-Instruct's three types, short answers, and yes/no questions followed by "Please answer
yes or no.", as a chat LLM learns to follow that request), loss on the answers as LLaVA masks them.
${r.llm.epochs} epoch${r.llm.epochs === 1 ? "" : "s"}, ${r.llm.steps} steps of ${r.llm.batchSize} documents, AdamW at ${r.llm.lr} on a cosine schedule; final
training loss ${r.llm.finalLoss.toFixed(3)}.
Held-out world documents (${e.llm.heldOutDocuments}): loss ${e.llm.heldOutLoss.toFixed(3)} per target token,
against ${e.llm.randomInitHeldOutLoss.toFixed(3)} for the same architecture at its random initialisation. Short
questions about held-out scenes given in words (${e.llm.textQuestions}, greedy, vicuna_v1, LLaVA's short-answer
instruction): ${pct(e.llm.textAnswerAccuracy)} exact answers (random initialisation:
${pct(e.llm.randomInitTextAnswerAccuracy)}). Yes/no questions about other held-out scenes followed by MME's "Please
answer yes or no." (${e.llm.textQuestions}, the same way): ${pct(e.llm.yesNoRequestAccuracy)} right (chance: 50%).

## vision/ — CLIP vision tower (\`CLIPVisionModel\`)

${v.num_hidden_layers} layers, hidden ${v.hidden_size}, intermediate ${v.intermediate_size}, ${v.num_attention_heads} heads, ${v.image_size}-pixel images in
${v.patch_size}-pixel patches: ${n(e.vision.parameters)} parameters; \`preprocessor_config.json\` is a
CLIPImageProcessor at ${v.image_size} pixels.

Pretraining: ${r.vision.steps} steps of ${r.vision.batchSize} freshly sampled scenes, AdamW at ${r.vision.lr}. Linear
heads on the region features of hidden_states[-2] (the layer LLaVA feeds its connector) predict each region's
shape, colour and size, and heads on the pooled output the object count and the background; cross-entropy
summed. The patch, class and position embeddings keep their random initialisation. Final loss
${r.vision.finalLoss.toFixed(3)}.

## Linear probe (probe.json)

A linear classifier on the frozen features of hidden_states[-2] (a region's mean patch token for whether
it holds an object and, where it does, the object's shape, colour and size; the mean of all patch tokens for
the count and the background), fitted on ${r.scale.probeTrainScenes} scenes and scored on ${r.scale.probeTestScenes} others:

| attribute | shipped tower | random tower |
|---|---|---|
${probeRows}
`;
}
