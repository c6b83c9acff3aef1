// Writes the sandbox world's data sets into one directory, as a pure function of the options: the same seed
// and counts give byte-identical files. Three disjoint image splits: train (stage-1 captions, stage-2
// instructions), val (the benchmarks, for learning-rate sweeps) and test (the benchmarks, for reported
// tables); and a text-only corpus about other scenes for pretraining the LLM.
//
//   world.json                                   the options and every file below
//   train/images/COCO_train2014_<12-digit id>.jpg
//   train/scenes.json                            [{id, image, scene, attributes}] (vision-tower targets)
//   train/blip_laion_cc_sbu.json                 stage 1 (blip_laion_cc_sbu_558k.json's format)
//   train/conversation.json, detail.json, complex_reasoning.json   LLaVA-Instruct-150K's per-type files
//   train/llava_instruct.json                    the three types mixed (llava_instruct_80k), with "type"
//   train/llava_v1_5_mix.json                    the same plus short-answer VQA samples (mix665k-like)
//   train/text.json                              text-only conversations, the scene in words
//   {val,test}/images/COCO_val2014_<12-digit id>.jpg, {val,test}/scenes.json
//   {val,test}/coco/captions.json, flickr30k/captions.json      COCO caption format, five references
//   {val,test}/vqav2/v2_OpenEnded_mscoco_val2014_questions.json, v2_mscoco_val2014_annotations.json
//   {val,test}/pope/coco_pope_{random,popular,adversarial}.json
//   {val,test}/mme/{existence,count,position,color}/<id>.jpg + <id>.txt
//
// The directory is built beside its destination and renamed into place, so it appears complete or not at all;
// an existing world directory (one with world.json) is replaced, anything else there is an error.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { LLAVA_INSTRUCT_TYPES } from "../../data/data_types.ts";
import type { LlavaSample } from "../../data/sample.ts";
import { Rng } from "../../tensor/rng.ts";
import { captionSet } from "./caption_set.ts";
import {
  INSTRUCT_TYPES,
  type InstructType,
  instructSample,
  SHORT_ANSWER_TYPE,
  stage1Sample,
  textSamples,
  type WorldImage,
} from "./llava_data.ts";
import { mmeSet } from "./mme_set.ts";
import { POPE_STRATEGIES, popeImages, popeSplit } from "./pope_set.ts";
import { sampleScene, sceneAttributes, sceneJpeg } from "./scene.ts";
import { VQA_SUBTYPE, vqaSet } from "./vqav2_set.ts";

export interface WorldDataOptions {
  seed: number;
  /** Image side in pixels. */
  size: number;
  /** Images per split. */
  train: number;
  val: number;
  test: number;
  /** Scenes (not images) the text-only corpus describes; each gives one sample per kind of task. */
  textScenes: number;
  /** VQAv2 questions per evaluation image (default 3). */
  vqaPerImage?: number;
  /** POPE images per split (POPE's default 500; fewer when fewer images have three objects). */
  popeImages?: number;
  /** MME images per subtask (MME has 30). */
  mmePerSubtask?: number;
}

export interface EvalSetFiles {
  /** The image folder the benchmark files' image names are relative to (MME's lie in its own directory). */
  images: string;
  scenes: string;
  coco: string;
  flickr30k: string;
  vqav2: { questions: string; annotations: string };
  /** The split files: random, popular, adversarial. */
  pope: string[];
  /** MME's benchmark directory. */
  mme: string;
}

export interface WorldData {
  dir: string;
  manifest: string;
  train: {
    images: string;
    scenes: string;
    stage1: string;
    byType: Record<(typeof LLAVA_INSTRUCT_TYPES)[number], string>;
    instruct: string;
    mix: string;
    text: string;
  };
  val: EvalSetFiles;
  test: EvalSetFiles;
}

const MANIFEST = "world.json";
const FORMAT = "lntune-sandbox-world";
const EVAL_SPLITS = ["val", "test"] as const;

/** Paths relative to the data directory. */
function layout(): Omit<WorldData, "dir" | "manifest"> {
  const evalFiles = (split: string): EvalSetFiles => ({
    images: `${split}/images`,
    scenes: `${split}/scenes.json`,
    coco: `${split}/coco/captions.json`,
    flickr30k: `${split}/flickr30k/captions.json`,
    vqav2: {
      questions: `${split}/vqav2/v2_OpenEnded_mscoco_${VQA_SUBTYPE}_questions.json`,
      annotations: `${split}/vqav2/v2_mscoco_${VQA_SUBTYPE}_annotations.json`,
    },
    pope: POPE_STRATEGIES.map((s) => `${split}/pope/coco_pope_${s}.json`),
    mme: `${split}/mme`,
  });
  return {
    train: {
      images: "train/images",
      scenes: "train/scenes.json",
      stage1: "train/blip_laion_cc_sbu.json",
      byType: {
        conversation: "train/conversation.json",
        detail: "train/detail.json",
        complex_reasoning: "train/complex_reasoning.json",
      },
      instruct: "train/llava_instruct.json",
      mix: "train/llava_v1_5_mix.json",
      text: "train/text.json",
    },
    val: evalFiles("val"),
    test: evalFiles("test"),
  };
}

/** Every string leaf of a layout prefixed with `dir`. */
function under<T>(dir: string, value: T): T {
  if (typeof value === "string") return join(dir, value) as T;
  if (Array.isArray(value)) return value.map((v) => under(dir, v)) as T;
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, under(dir, v)])) as T;
}

function checkOptions(o: WorldDataOptions): Required<WorldDataOptions> {
  const full = { vqaPerImage: 3, popeImages: 500, mmePerSubtask: 30, ...o };
  for (const [key, value] of Object.entries(full))
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`world data: ${key} must be a whole number, got ${value}`);
  if (full.val === 0 || full.test === 0)
    throw new Error("world data: val and test need at least one image each");
  return full;
}

const json = (value: unknown) => `${JSON.stringify(value)}\n`;

/** Writes `content` at `rel` inside `root`, making folders as needed. */
function put(root: string, rel: string, content: string | Uint8Array): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

/** Encodes and writes the images, a few at a time; returns their JPEG bytes by id. */
async function writeImages(root: string, folder: string, images: readonly WorldImage[]) {
  const bytes = new Map<number, Buffer>();
  mkdirSync(join(root, folder), { recursive: true });
  const batch = 32;
  for (let i = 0; i < images.length; i += batch) {
    const chunk = images.slice(i, i + batch);
    const encoded = await Promise.all(chunk.map((im) => sceneJpeg(im.scene)));
    chunk.forEach((im, k) => {
      writeFileSync(join(root, folder, im.file), encoded[k]);
      bytes.set(im.id, encoded[k]);
    });
  }
  return bytes;
}

function scenesFile(images: readonly WorldImage[]) {
  return json(
    images.map((im) => ({
      id: im.id,
      image: im.file,
      scene: im.scene,
      attributes: sceneAttributes(im.scene),
    })),
  );
}

/** Moves the finished directory into place, replacing an earlier world directory. */
function install(staging: string, dir: string): void {
  if (existsSync(dir)) {
    const isWorld =
      statSync(dir).isDirectory() && (readdirSync(dir).length === 0 || existsSync(join(dir, MANIFEST)));
    if (!isWorld)
      throw new Error(
        `${dir}: exists and is not a sandbox world directory (no ${MANIFEST}); not replacing it`,
      );
    const old = `${dir}.old-${randomBytes(6).toString("hex")}`;
    renameSync(dir, old);
    renameSync(staging, dir);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(staging, dir);
}

/** Writes the data sets into `target` (see the layout above); returns the files' paths. */
export async function writeWorldData(target: string, options: WorldDataOptions): Promise<WorldData> {
  const o = checkOptions(options);
  // Resolved, so that a trailing slash cannot put the staging directory inside the destination.
  const dir = resolve(target);
  const master = new Rng(o.seed);
  // One stream per purpose, drawn in a fixed order, so each file depends only on the seed and the counts.
  const stream = () => new Rng(master.nextU32());
  const rel = layout();

  let nextId = 1;
  const split = (count: number, prefix: string) => {
    const rng = stream();
    return Array.from({ length: count }, (): WorldImage => {
      const id = nextId++;
      return { id, file: `${prefix}_${String(id).padStart(12, "0")}.jpg`, scene: sampleScene(rng, o.size) };
    });
  };
  const train = split(o.train, "COCO_train2014");
  const evalImages = { val: split(o.val, `COCO_${VQA_SUBTYPE}`), test: split(o.test, `COCO_${VQA_SUBTYPE}`) };

  mkdirSync(dirname(dir), { recursive: true });
  const staging = `${dir}.partial-${process.pid}-${randomBytes(6).toString("hex")}`;
  mkdirSync(staging);
  try {
    await writeImages(staging, rel.train.images, train);
    put(staging, rel.train.scenes, scenesFile(train));

    const stage1Rng = stream();
    put(staging, rel.train.stage1, json(train.map((im) => stage1Sample(im, stage1Rng))));

    const instructRng = stream();
    const typed: Array<LlavaSample & { type: InstructType }> = train.flatMap((im) =>
      INSTRUCT_TYPES.map((type) => ({ ...instructSample(type, im, instructRng), type })),
    );
    for (const t of LLAVA_INSTRUCT_TYPES)
      put(
        staging,
        rel.train.byType[t],
        json(typed.filter((s) => s.type === t).map(({ type: _, ...s }) => s)),
      );
    put(staging, rel.train.instruct, json(typed.filter((s) => s.type !== SHORT_ANSWER_TYPE)));
    put(staging, rel.train.mix, json(typed));

    const textRng = stream();
    const text = Array.from({ length: o.textScenes }, (_, i) =>
      textSamples(sampleScene(textRng, o.size), `text-${i}`, textRng),
    ).flat();
    put(staging, rel.train.text, json(text));

    for (const name of EVAL_SPLITS) {
      const images = evalImages[name];
      const files = rel[name];
      const jpegs = await writeImages(staging, files.images, images);
      put(staging, files.scenes, scenesFile(images));
      put(staging, files.coco, json(captionSet("coco", images, stream())));
      put(staging, files.flickr30k, json(captionSet("flickr30k", images, stream())));
      const vqa = vqaSet(images, o.vqaPerImage, stream());
      put(staging, files.vqav2.questions, json(vqa.questions));
      put(staging, files.vqav2.annotations, json(vqa.annotations));
      const pope = popeImages(images, o.popeImages, stream());
      POPE_STRATEGIES.forEach((strategy, k) => {
        const questions = popeSplit(strategy, pope, stream());
        put(staging, files.pope[k], questions.map(json).join(""));
      });
      for (const e of mmeSet(images, o.mmePerSubtask, stream())) {
        put(staging, join(files.mme, e.subtask, e.name), jpegs.get(e.image.id)!);
        put(staging, join(files.mme, e.subtask, e.name.replace(/\.jpg$/, ".txt")), e.text);
      }
    }
    put(staging, MANIFEST, json({ format: FORMAT, version: 1, options: o, files: rel }));
    install(staging, dir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return { dir, manifest: join(dir, MANIFEST), ...under(dir, rel) };
}
