// evaluate(): runs a LLaVA model over a benchmark and scores it. Answers go to <output>/predictions.jsonl
// as they are generated; a rerun with the same output directory skips the answered items. The scorers'
// input files and metrics.json are rewritten from all answers at the end. With several ranks, rank r answers
// batches r, r + N, r + 2N, … of the unanswered items, and after each round of N batches the root appends
// them all to the predictions file and alone scores them.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { prefetch } from "../../data/prefetch.ts";
import { loadSampleImage } from "../../data/sample_image.ts";
import { getTemplate } from "../../data/templates/index.ts";
import { SINGLE_PROCESS, type World } from "../../dist/world.ts";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { createProgress } from "../../io/progress.ts";
import { type DecodingOptions, encodePrompt, generateAnswers } from "./answer_generator.ts";
import { pairAnswers } from "./answered.ts";
import { drawDemos, readDemoPool } from "./demos.ts";
import { type EvalModelOptions, loadEvalModel } from "./eval_model.ts";
import { loadBenchInput } from "./load_items.ts";
import {
  type AnswerRecord,
  answerKey,
  PredictionWriter,
  readPredictions,
  recordKey,
} from "./predictions_file.ts";
import { DEFAULT_CAPTION_PROMPT, renderPrompt } from "./prompts.ts";
import { type Protocol, protocolSettings } from "./protocol.ts";
import { checkRunSettings } from "./run_manifest.ts";
import { scoreBench } from "./score_bench.ts";
import type { Bench, EvalItem } from "./types.ts";

export interface EvaluateOptions extends EvalModelOptions {
  bench: Bench;
  /** Question file(s) or directory; see load_items.ts for what each benchmark reads. */
  data: string | readonly string[];
  annotations?: string;
  /** Image folder; for MME's benchmark directory it defaults to that directory. */
  images?: string;
  output: string;
  /** "llava" (default) or "paper"; see protocol.ts. */
  protocol?: Protocol;
  /** Conversation template name (default: the protocol's; the paper protocol allows only v0). */
  template?: string;
  /** The paper protocol's demo pool for VQAv2 and the captions; see demos.ts for the layouts. */
  demos?: readonly string[];
  /** Caption instruction for COCO / Flickr30k (default DEFAULT_CAPTION_PROMPT). */
  prompt?: string;
  /** Evaluate only the first N items. */
  limit?: number;
  /** Prompts generated together, left padded (default 1, as LLaVA). */
  batchSize?: number;
  /** Overrides the protocol's decoding defaults (undefined fields keep them). */
  decoding?: Partial<DecodingOptions>;
  /** Fail on a missing or undecodable image instead of skipping it. */
  strict?: boolean;
  progress?: "auto" | "quiet";
  /** Warnings and the closing summary (default: stderr). */
  log?: (line: string) => void;
  /** The ranks answering together; one process by default. */
  world?: World;
}

/** On ranks other than the root, whose answers the root wrote and scored: metrics null, no counts. */
export interface EvaluateResult {
  bench: Bench;
  modelId: string;
  /** Items evaluated (after --limit). */
  items: number;
  /** Items with an answer in the predictions file. */
  answered: number;
  generated: number;
  resumed: number;
  /** Items skipped in this run, by reason (image_missing, image_undecodable, ...). */
  skipped: Record<string, number>;
  /** The scorer's report, or null when no ground truth or no answer is available. */
  metrics: unknown;
  incompleteImages?: number;
  output: string;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const itemKey = (item: EvalItem) => answerKey(item.questionId, item.text, item.category);

/** What a rank answered in one round: the answers, and the items it skipped with their reason. */
interface RoundPart {
  records: AnswerRecord[];
  skipped: Array<{ questionId: string | number; reason: string; image: string }>;
}

export async function evaluate(opts: EvaluateOptions): Promise<EvaluateResult> {
  const world = opts.world ?? SINGLE_PROCESS;
  const log = !world.isRoot ? () => {} : (opts.log ?? ((line: string) => process.stderr.write(`${line}\n`)));
  const data = typeof opts.data === "string" ? [opts.data] : [...opts.data];
  const batchSize = opts.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batch size must be a positive integer");
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit >= 0))
    throw new Error("limit must be a non-negative integer");
  const protocol = opts.protocol ?? "llava";
  const settings = protocolSettings(protocol, opts.bench);
  const overrides = Object.entries(opts.decoding ?? {}).filter(([, v]) => v !== undefined);
  const decoding: DecodingOptions = { ...settings.decoding, ...Object.fromEntries(overrides) };
  const images = opts.images ?? (opts.bench === "mme" && !data[0].endsWith(".jsonl") ? data[0] : undefined);
  if (images === undefined) throw new Error(`${opts.bench}: the image folder must be given`);
  const captionPrompt = opts.prompt ?? DEFAULT_CAPTION_PROMPT;
  const templateName = opts.template ?? settings.template;
  if (protocol === "paper" && templateName !== settings.template)
    throw new Error(`the paper protocol uses template ${settings.template}, not ${templateName}`);
  const demoFiles = (opts.demos ?? []).map((p) => resolve(p));
  if (settings.demos === 0 && demoFiles.length > 0)
    throw new Error(`${opts.bench} under the ${protocol} protocol takes no demos; drop --demos`);
  if (settings.demos > 0 && demoFiles.length === 0)
    throw new Error(
      `${opts.bench} under the paper protocol needs --demos: ` +
        (opts.bench === "vqav2"
          ? "a VQAv2 questions and annotations file, or a question JSONL with answers"
          : "a COCO-format caption file (e.g. the training split)"),
    );
  const demoPool = settings.demos > 0 ? readDemoPool(opts.bench, demoFiles, captionPrompt) : [];

  const input = loadBenchInput({
    bench: opts.bench,
    data,
    annotations: opts.annotations,
    images,
    captionPrompt,
    shortAnswer: settings.shortAnswer,
  });
  const items = opts.limit === undefined ? input.items : input.items.slice(0, opts.limit);
  const keys = new Set<string>();
  for (const item of items) {
    if (keys.has(itemKey(item))) throw new Error(`question ${item.questionId} occurs twice in the input`);
    keys.add(itemKey(item));
  }

  const predictionsPath = join(opts.output, "predictions.jsonl");
  // The root checks the settings and reads what is answered already; every rank learns the answered keys.
  let answeredKeys: string[] = [];
  if (world.isRoot) {
    mkdirSync(opts.output, { recursive: true });
    const resuming = existsSync(predictionsPath);
    checkRunSettings(
      join(opts.output, "run.json"),
      {
        bench: opts.bench,
        model: resolve(opts.model),
        adapter: opts.adapter ? resolve(opts.adapter) : null,
        template: templateName,
        caption_prompt: opts.bench === "coco" || opts.bench === "flickr30k" ? captionPrompt : null,
        max_new_tokens: decoding.maxNewTokens,
        temperature: decoding.temperature,
        top_k: decoding.temperature > 0 ? decoding.topK : null,
        top_p: decoding.temperature > 0 ? decoding.topP : null,
        seed: decoding.temperature > 0 ? decoding.seed : null,
        image_aspect_ratio: opts.imageAspectRatio ?? null,
        // null for llava, as in run.json files written before protocols existed, so that those runs resume.
        protocol: protocol === "llava" ? null : protocol,
        demos: demoFiles.length > 0 ? demoFiles.join(", ") : null,
        demo_count: settings.demos > 0 ? settings.demos : null,
        demo_seed: settings.demos > 0 ? decoding.seed : null,
        // null for the defaults, as in run.json files written before these options existed.
        compute_dtype: opts.computeDtype === "bf16" ? "bf16" : null,
        quantize: opts.quantize ?? null,
      },
      resuming,
    );
    answeredKeys = readPredictions(predictionsPath).map(recordKey);
  }
  const done = new Set(world.broadcastJson(answeredKeys));
  const pending = items.filter((item) => !done.has(itemKey(item)));
  const resumed = items.length - pending.length;

  const m = loadEvalModel(opts);
  const template = getTemplate(templateName, m.tokenizer);
  const skipped: Record<string, number> = {};
  let generated = 0;
  const progress = createProgress(
    `eval ${opts.bench}`,
    items.length,
    resumed,
    world.isRoot ? (opts.progress ?? "auto") : "quiet",
  );
  const writer = world.isRoot ? new PredictionWriter(predictionsPath) : null;
  try {
    const loadBatch = (batch: EvalItem[]) =>
      Promise.all(
        batch.map(async (item) => ({
          item,
          image: await loadSampleImage(item.image, {
            imageFolder: images,
            processor: m.processor,
            aspectRatio: m.aspectRatio,
            strict: opts.strict,
          }),
        })),
      );
    const answer = (loaded: Awaited<ReturnType<typeof loadBatch>>): RoundPart => {
      const part: RoundPart = { records: [], skipped: [] };
      const ready: Array<{ item: EvalItem; pixels: Float32Array }> = [];
      for (const { item, image } of loaded) {
        if ("bad" in image)
          part.skipped.push({ questionId: item.questionId, reason: image.bad, image: item.image });
        else ready.push({ item, pixels: image.pixelValues });
      }
      if (ready.length === 0) return part;
      const prompts = ready.map(({ item }) => {
        // demos are drawn with the run's seed (42 by default).
        const demos =
          settings.demos > 0 ? drawDemos(demoPool, settings.demos, decoding.seed, itemKey(item)) : [];
        return encodePrompt(m, renderPrompt(template, item.text, m.model.config.mmUseImStartEnd, demos));
      });
      const answers = generateAnswers(
        m,
        prompts,
        ready.map((r) => r.pixels),
        decoding,
      );
      part.records = ready.map(
        ({ item }, i): AnswerRecord => ({
          question_id: item.questionId,
          prompt: item.text,
          text: settings.postprocess ? settings.postprocess(answers[i]) : answers[i],
          answer_id: randomUUID(),
          model_id: m.modelId,
          metadata: item.category === undefined ? {} : { category: item.category },
        }),
      );
      return part;
    };
    const batches = chunks(pending, batchSize);
    const mine = prefetch(
      batches.filter((_, i) => i % world.size === world.rank),
      loadBatch,
    );
    let finished = resumed;
    for (let round = 0; round * world.size < batches.length; round++) {
      const next = await mine.next();
      const parts = world.gatherJson(next.done ? { records: [], skipped: [] } : answer(next.value));
      for (const part of parts ?? []) {
        for (const { questionId, reason, image } of part.skipped) {
          skipped[reason] = (skipped[reason] ?? 0) + 1;
          log(`warning: skipping question ${questionId}: ${reason} (${image})`);
        }
        writer?.append(part.records);
        generated += part.records.length;
        finished += part.records.length + part.skipped.length;
      }
      const nSkipped = Object.values(skipped).reduce((s, n) => s + n, 0);
      progress.update(finished, nSkipped > 0 ? { skipped: nSkipped } : {});
    }
  } finally {
    writer?.close();
    progress.stop();
  }
  // The other ranks wait until the root has scored, so that the job ends when the evaluation does.
  if (!world.isRoot) {
    world.barrier();
    return {
      bench: opts.bench,
      modelId: m.modelId,
      items: items.length,
      answered: 0,
      generated: 0,
      resumed,
      skipped: {},
      metrics: null,
      output: opts.output,
    };
  }

  const answered = pairAnswers(items, readPredictions(predictionsPath));
  const score = scoreBench(opts.bench, input.groundTruth, answered, opts.output);
  const result: EvaluateResult = {
    bench: opts.bench,
    modelId: m.modelId,
    items: items.length,
    answered: answered.length,
    generated,
    resumed,
    skipped,
    metrics: score.metrics,
    ...(score.incompleteImages ? { incompleteImages: score.incompleteImages } : {}),
    output: opts.output,
  };
  writeFileAtomic(join(opts.output, "metrics.json"), `${JSON.stringify(result, null, 2)}\n`);
  const skips = Object.entries(skipped).map(([reason, n]) => `${n} ${reason}`);
  log(
    `${opts.bench}: ${answered.length}/${items.length} items answered (${generated} generated, ${resumed} resumed)` +
      (skips.length > 0 ? `; skipped ${skips.join(", ")}` : ""),
  );
  world.barrier();
  return result;
}
