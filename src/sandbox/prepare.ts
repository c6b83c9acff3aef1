// What every stage-2 run of the demo starts from: the sandbox world's data sets and the stage-1 model (the
// pretrained LLM and vision tower joined by a connector trained on captions with LLaVA's plain template),
// each a resumable part (parts.ts).
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readJsonObject } from "../io/config/fields.ts";
import { sha256File } from "../io/file_hash.ts";
import { composeLlava } from "../models/compose.ts";
import { loadConnector } from "../models/load.ts";
import { copyTokenizerFiles, saveLlava } from "../models/save.ts";
import { type PartLog, part } from "./parts.ts";
import { runStageIsolated } from "./stage_process.ts";
import { type WorldData, type WorldDataOptions, writeWorldData } from "./world/datasets.ts";

export interface DemoContext {
  dir: string;
  seed: number;
  /** The pretrained sandbox models (sandboxModels()). */
  models: { llm: string; vision: string };
  progress: "auto" | "quiet";
  log: (line: string) => void;
  parts: PartLog;
}

/** World sizes (the world's options without the seed) and stage-1 training. */
export interface SandboxScale {
  world: Omit<WorldDataOptions, "seed">;
  stage1Epochs: number;
  /** Samples per optimizer step, in both stages. */
  batchSize: number;
}

export interface Sandbox {
  world: WorldData;
  worldKey: string;
  /** The stage-1 LLaVA checkpoint every stage-2 run starts from, its run directory and its part's key. */
  stage1: { key: string; llava: string; run: string };
}

/** World images are drawn at the tower's input size. */
export const IMAGE_SIZE = 64;

/** Every string in a layout of paths relative to `dir`, joined to it. */
function under<T>(dir: string, value: T): T {
  if (typeof value === "string") return join(dir, value) as T;
  if (Array.isArray(value)) return value.map((v) => under(dir, v)) as T;
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, under(dir, v)])) as T;
}

/** What a model directory holds: each file's name and SHA-256, so that changed models redo stage 1. */
function filesHash(dir: string): Record<string, string> {
  const names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile());
  return Object.fromEntries(names.sort().map((n) => [n, sha256File(join(dir, n))]));
}

/** The data set paths of a world directory, from its manifest. */
function worldFiles(dir: string): WorldData {
  const manifest = join(dir, "world.json");
  const rel = readJsonObject(manifest).files as Omit<WorldData, "dir" | "manifest">;
  return { dir, manifest, ...under(dir, rel) };
}

export async function prepareSandbox(ctx: DemoContext, scale: SandboxScale): Promise<Sandbox> {
  const worldOptions: WorldDataOptions = { ...scale.world, seed: ctx.seed };
  const dataDir = join(ctx.dir, "world", "data");
  ctx.log(
    `world: ${worldOptions.train} training images, ${worldOptions.val} validation, ${worldOptions.test} test (seed ${ctx.seed})`,
  );
  const world = await part(
    join(ctx.dir, "world"),
    worldOptions,
    async () => {
      await writeWorldData(dataDir, worldOptions);
      return {};
    },
    ctx.parts,
  );

  const settings = {
    world: world.key,
    llm: filesHash(ctx.models.llm),
    vision: filesHash(ctx.models.vision),
    epochs: scale.stage1Epochs,
    batchSize: scale.batchSize,
    seed: ctx.seed,
  };
  const files = worldFiles(dataDir);
  const dir = join(ctx.dir, "stage1");
  const stage1 = { llava: join(dir, "llava"), run: join(dir, "run") };
  ctx.log(
    `stage 1: connector only, plain template, ${scale.stage1Epochs} epochs on ${worldOptions.train} captions`,
  );
  const done = await part(
    dir,
    settings,
    async () => {
      await runStageIsolated({
        stage: "pretrain",
        llm: ctx.models.llm,
        vision: ctx.models.vision,
        data: files.train.stage1,
        images: files.train.images,
        output: stage1.run,
        epochs: scale.stage1Epochs,
        batchSize: scale.batchSize,
        seed: ctx.seed,
        progress: ctx.progress,
      });
      writeStage1Llava(ctx.models, join(stage1.run, "connector.safetensors"), stage1.llava, ctx.seed);
      return {};
    },
    ctx.parts,
  );
  return { world: files, worldKey: world.key, stage1: { key: done.key, ...stage1 } };
}

/** The stage-1 model as a LLaVA checkpoint (the original layout, with its tower and tokenizer). */
function writeStage1Llava(
  models: { llm: string; vision: string },
  connector: string,
  out: string,
  seed: number,
) {
  const model = composeLlava(models.llm, models.vision, { seed });
  loadConnector(model, connector);
  mkdirSync(out, { recursive: true });
  saveLlava(out, model, readJsonObject(join(models.vision, "preprocessor_config.json")));
  copyTokenizerFiles(models.llm, out);
}
