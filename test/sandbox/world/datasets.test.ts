import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { LLAVA_INSTRUCT_TYPES, selectSubset } from "../../../src/data/data_types.ts";
import { loadSamples } from "../../../src/data/load_samples.ts";
import { loadBenchInput } from "../../../src/eval/harness/load_items.ts";
import { DEFAULT_CAPTION_PROMPT } from "../../../src/eval/harness/prompts.ts";
import { scoreCaptionFiles } from "../../../src/eval/score_caption_files.ts";
import { scoreMmeDir } from "../../../src/eval/score_mme_dir.ts";
import { scorePopeFiles } from "../../../src/eval/score_pope_files.ts";
import { scoreVqaFiles } from "../../../src/eval/score_vqa_files.ts";
import {
  type WorldData,
  type WorldDataOptions,
  writeWorldData,
} from "../../../src/sandbox/world/datasets.ts";
import type { PopeQuestion } from "../../../src/sandbox/world/pope_set.ts";
import type { Scene } from "../../../src/sandbox/world/scene.ts";
import type { VqaSet } from "../../../src/sandbox/world/vqav2_set.ts";
import { answerShortQuestion, mmeTruth } from "./oracle.ts";

const OPTIONS: WorldDataOptions = {
  seed: 7,
  size: 64,
  train: 40,
  val: 30,
  test: 80,
  textScenes: 10,
  mmePerSubtask: 10,
};

let root: string;
let world: WorldData;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "world-data-"));
  world = await writeWorldData(join(root, "a"), OPTIONS);
});
after(() => rmSync(root, { recursive: true, force: true }));

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
type VqaAnnotation = VqaSet["annotations"]["annotations"][number];
type VqaQuestion = VqaSet["questions"]["questions"][number];

const readLines = (path: string): PopeQuestion[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));

/** Every file under a directory, by relative path. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Scenes of a split by image file name. */
const scenesByFile = (path: string) =>
  new Map<string, Scene>(readJson(path).map((e: { image: string; scene: Scene }) => [e.image, e.scene]));

function lntuneScore(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/lntune.js", "score", ...args, "--json"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("the same seed writes byte-identical files; another seed writes different ones", async () => {
  const again = await writeWorldData(join(root, "b"), OPTIONS);
  const [a, b] = [tree(world.dir), tree(again.dir)];
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [path, bytes] of a) assert.ok(bytes.equals(b.get(path)!), `${path} differs`);
  const other = tree((await writeWorldData(join(root, "c"), { ...OPTIONS, seed: 8 })).dir);
  for (const path of [
    "train/scenes.json",
    "train/llava_v1_5_mix.json",
    "test/coco/captions.json",
    "test/pope/coco_pope_random.json",
  ])
    assert.ok(!a.get(path)!.equals(other.get(path)!), `${path} is the same for seeds 7 and 8`);
});

test("train, val and test use disjoint images, and every file the data names exists", () => {
  const splits = [world.train, world.val, world.test].map(
    (s) => readJson(s.scenes) as Array<{ id: number; image: string }>,
  );
  assert.deepEqual(
    splits.map((s) => s.length),
    [40, 30, 80],
  );
  const ids = splits.flat().map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const [k, s] of [world.train, world.val, world.test].entries())
    for (const e of splits[k]) assert.ok(existsSync(join(s.images, e.image)), e.image);
  for (const sample of readJson(world.train.mix))
    assert.ok(existsSync(join(world.train.images, sample.image)));
  const manifest = readJson(world.manifest);
  assert.equal(manifest.format, "lntune-sandbox-world");
  assert.ok(existsSync(world.test.vqav2.annotations) && world.test.pope.every((p) => existsSync(p)));
});

test("LLaVA's loaders accept the training files: no sample is dropped, images exist", async () => {
  const opts = { imageFolder: world.train.images, checkImagesExist: true, strict: true };
  assert.equal((await loadSamples(world.train.stage1, { ...opts, plain: true })).samples.length, 40);
  assert.equal((await loadSamples(world.train.mix, opts)).samples.length, 40 * 4);
  assert.equal((await loadSamples(world.train.instruct, opts)).samples.length, 40 * 3);
  const text = await loadSamples(world.train.text, { strict: true });
  assert.equal(text.samples.length, 10 * 5);
  assert.ok(text.samples.every((s) => s.sample.image === undefined));
});

test("--data-types conversation|detail|complex_reasoning selects exactly that type's samples", async () => {
  const loaded = await loadSamples(world.train.instruct, { imageFolder: world.train.images });
  for (const type of LLAVA_INSTRUCT_TYPES) {
    // The selection LlavaDataset.open makes for `--data-types <type>`.
    const picked = selectSubset(loaded.samples, { types: [type] });
    assert.equal(picked.length, 40, type);
    const perType = await loadSamples(world.train.byType[type]);
    assert.ok(
      perType.samples.every((s) => s.type === type),
      `${type} file's type from its name`,
    );
    assert.deepEqual(
      picked.map((s) => [s.sample.id, s.sample.conversations]),
      perType.samples.map((s) => [s.sample.id, s.sample.conversations]),
    );
  }
  const mix = await loadSamples(world.train.mix);
  assert.equal(selectSubset(mix.samples, { types: ["short_answer"] }).length, 40);
});

test("the project's benchmark readers read every evaluation set of the split", () => {
  const t = world.test;
  const load = (
    bench: "vqav2" | "coco" | "flickr30k" | "pope" | "mme",
    data: string[],
    annotations?: string,
  ) =>
    loadBenchInput({
      bench,
      data,
      annotations,
      images: bench === "mme" ? t.mme : t.images,
      captionPrompt: DEFAULT_CAPTION_PROMPT,
    });
  const vqa = load("vqav2", [t.vqav2.questions], t.vqav2.annotations);
  assert.equal(vqa.items.length, readJson(t.vqav2.questions).questions.length);
  assert.ok(vqa.items.length > 80 * 2);
  for (const bench of ["coco", "flickr30k"] as const) assert.equal(load(bench, [t[bench]]).items.length, 80);
  const pope = load("pope", t.pope);
  assert.deepEqual([...new Set(pope.items.map((i) => i.category))], ["random", "popular", "adversarial"]);
  const mme = load("mme", [t.mme]);
  assert.equal(mme.items.length, 4 * 10 * 2);
  for (const input of [vqa, pope])
    for (const item of input.items) assert.ok(existsSync(join(t.images, item.image)), item.image);
  for (const item of mme.items) assert.ok(existsSync(join(t.mme, item.image)), item.image);
});

test("lntune score: true answers get VQA 100, POPE F1 1, MME 200 per subtask, a reference scores CIDEr > 0 against the other four; wrong answers score less", () => {
  const t = world.test;
  const out = join(root, "scores");
  mkdirSync(out, { recursive: true });
  const file = (name: string, content: string) => {
    writeFileSync(join(out, name), content);
    return join(out, name);
  };

  const annotations = readJson(t.vqav2.annotations).annotations;
  const vqaTrue = file(
    "vqa.json",
    JSON.stringify(
      annotations.map((a: VqaAnnotation) => ({
        question_id: a.question_id,
        answer: a.multiple_choice_answer,
      })),
    ),
  );
  const vqaYes = file(
    "vqa_yes.json",
    JSON.stringify(annotations.map((a: VqaAnnotation) => ({ question_id: a.question_id, answer: "yes" }))),
  );
  assert.equal(
    lntuneScore(
      "vqa",
      "--questions",
      t.vqav2.questions,
      "--annotations",
      t.vqav2.annotations,
      "--results",
      vqaTrue,
    ).overall,
    100,
  );
  assert.ok(scoreVqaFiles(t.vqav2.questions, t.vqav2.annotations, vqaYes).overall < 60);

  const popeLines = (answer: (q: PopeQuestion) => string) =>
    t.pope.flatMap((path, k) =>
      readLines(path).map((q) =>
        JSON.stringify({
          question_id: q.question_id,
          text: answer(q),
          category: ["random", "popular", "adversarial"][k],
        }),
      ),
    );
  const popeTrue = file("pope.jsonl", `${popeLines((q) => (q.label === "yes" ? "Yes" : "No")).join("\n")}\n`);
  const popeYes = file("pope_yes.jsonl", `${popeLines(() => "Yes").join("\n")}\n`);
  for (const split of Object.values(
    lntuneScore("pope", "--questions", ...t.pope, "--answers", popeTrue).splits,
  ) as Array<{ f1: number; accuracy: number }>) {
    assert.equal(split.f1, 1);
    assert.equal(split.accuracy, 1);
  }
  for (const split of Object.values(scorePopeFiles(t.pope, popeYes).splits))
    assert.equal(split.accuracy, 0.5);

  const mmeResults = (name: string, predict: (gt: string) => string) => {
    const dir = join(out, name);
    mkdirSync(dir);
    const items = loadBenchInput({ bench: "mme", data: [t.mme], images: t.mme, captionPrompt: "" }).items;
    for (const subtask of ["existence", "count", "position", "color"]) {
      const lines = items
        .filter((i) => i.category === subtask)
        .map((i) => [i.mme!.imageName, i.mme!.question, i.mme!.answer, predict(i.mme!.answer)].join("\t"));
      writeFileSync(join(dir, `${subtask}.txt`), `${lines.join("\n")}\n`);
    }
    return dir;
  };
  const mme = lntuneScore(
    "mme",
    "--results-dir",
    mmeResults("mme_true", (gt) => gt),
  );
  for (const subtask of ["existence", "count", "position", "color"])
    assert.equal(mme.perception.subtasks[subtask].score, 200);
  assert.equal(scoreMmeDir(mmeResults("mme_yes", () => "Yes")).perception.subtasks.existence.score, 50);

  // Each style: the first reference as the caption, scored against the other four.
  for (const style of ["coco", "flickr30k"] as const) {
    const set = readJson(t[style]) as {
      images: unknown[];
      annotations: Array<{ image_id: number; caption: string }>;
    };
    const first = new Map<number, string>();
    for (const a of set.annotations) if (!first.has(a.image_id)) first.set(a.image_id, a.caption);
    const others = set.annotations.filter((a) => first.get(a.image_id) !== a.caption);
    assert.equal(others.length, first.size * 4);
    const refs = file(`${style}_refs.json`, JSON.stringify({ images: set.images, annotations: others }));
    const held = file(
      `${style}_held.json`,
      JSON.stringify([...first].map(([image_id, caption]) => ({ image_id, caption }))),
    );
    const wrong = file(
      `${style}_wrong.json`,
      JSON.stringify([...first.keys()].map((image_id) => ({ image_id, caption: "A photo of a dog." }))),
    );
    const good = lntuneScore("caption", "--annotations", refs, "--results", held);
    assert.ok(good.CIDEr > 0.3 && good.Bleu_1 > 0.5, `${style}: CIDEr ${good.CIDEr}, BLEU-1 ${good.Bleu_1}`);
    assert.ok(scoreCaptionFiles(refs, wrong).CIDEr < good.CIDEr / 10, style);
  }
});

test("VQAv2 ground truth, POPE labels and MME yes/no lines are true of the images' scenes", () => {
  const t = world.test;
  const scenes = scenesByFile(t.scenes);
  const byId = new Map([...scenes].map(([file, s]) => [Number(/(\d+)\.jpg$/.exec(file)![1]), s]));
  const questions = new Map<number, VqaQuestion>(
    readJson(t.vqav2.questions).questions.map((q: VqaQuestion) => [q.question_id, q]),
  );
  const types = new Set<string>();
  for (const a of readJson(t.vqav2.annotations).annotations) {
    const q = questions.get(a.question_id)!;
    assert.equal(a.image_id, q.image_id);
    assert.equal(
      a.multiple_choice_answer,
      answerShortQuestion(byId.get(a.image_id)!, q.question),
      q.question,
    );
    assert.equal(a.answers.length, 10);
    types.add(a.answer_type);
  }
  assert.deepEqual([...types].sort(), ["number", "other", "yes/no"]);
  for (const path of t.pope)
    for (const q of readLines(path)) {
      const [, color, shape] = /^Is there an? (\w+) (\w+) in the image\?$/.exec(q.text)!;
      const present = scenes.get(q.image)!.objects.some((o) => o.color === color && o.shape === shape);
      assert.equal(q.label, present ? "yes" : "no", `${path}: ${q.text} ${q.image}`);
    }
  for (const subtask of ["existence", "count", "position", "color"])
    for (const name of readdirSync(join(t.mme, subtask)).filter((n) => n.endsWith(".txt"))) {
      const scene = byId.get(Number(name.slice(0, -4)))!;
      const lines = readFileSync(join(t.mme, subtask, name), "utf8")
        .trimEnd()
        .split("\n");
      assert.equal(lines.length, 2);
      for (const [line, truth] of [
        [lines[0], "Yes"],
        [lines[1], "No"],
      ]) {
        const [question, answer] = line.split("\t");
        assert.equal(answer, truth);
        assert.equal(
          mmeTruth(scene, question.replace(" Please answer yes or no.", "")),
          truth === "Yes",
          question,
        );
      }
    }
});

test("POPE splits: 3 positives per image, each followed by a negative of the split's kind (direct recount)", () => {
  const scenes = scenesByFile(world.test.scenes);
  const names = (file: string) => [...new Set(scenes.get(file)!.objects.map((o) => `${o.color} ${o.shape}`))];
  const object = (text: string) => /^Is there an? (.+) in the image\?$/.exec(text)![1];
  const [random, popular, adversarial] = world.test.pope.map(readLines);
  // The three splits ask about the same images with the same positives.
  const images = [...new Set(random.map((q) => q.image))];
  assert.ok(images.length >= 10);
  for (const split of [popular, adversarial])
    assert.deepEqual([...new Set(split.map((q) => q.image))], images);
  // Counts over the selected images, from the scenes directly.
  const frequency = new Map<string, number>();
  const together = new Map<string, number>();
  for (const im of images)
    for (const a of names(im)) {
      frequency.set(a, (frequency.get(a) ?? 0) + 1);
      for (const b of names(im)) if (a !== b) together.set(`${a}|${b}`, (together.get(`${a}|${b}`) ?? 0) + 1);
    }
  const all = [...frequency.keys()];
  for (const [kind, split] of [
    ["random", random],
    ["popular", popular],
    ["adversarial", adversarial],
  ] as const) {
    assert.equal(split.length, images.length * 6);
    assert.deepEqual(
      split.map((q) => q.question_id),
      split.map((_, i) => i + 1),
    );
    for (let k = 0; k < images.length; k++) {
      const block = split.slice(k * 6, k * 6 + 6);
      const present = names(images[k]);
      assert.ok(present.length >= 3);
      const asked: string[] = [];
      for (let j = 0; j < 3; j++) {
        const [pos, neg] = [block[2 * j], block[2 * j + 1]];
        assert.deepEqual([pos.label, object(pos.text)], ["yes", present[j]]);
        asked.push(present[j]);
        const n = object(neg.text);
        assert.equal(neg.label, "no");
        const allowed = all.filter((o) => !present.includes(o) && !asked.includes(o));
        assert.ok(allowed.includes(n), `${kind}: ${n} is in the image or asked before`);
        if (kind === "popular")
          assert.equal(frequency.get(n), Math.max(...allowed.map((o) => frequency.get(o)!)), `popular: ${n}`);
        if (kind === "adversarial") {
          const co = (o: string) => together.get(`${present[j]}|${o}`) ?? 0;
          const best = Math.max(...allowed.map(co));
          if (best > 0) assert.equal(co(n), best, `adversarial: ${n} after ${present[j]}`);
        }
        asked.push(n);
      }
    }
  }
});

test("a directory that is not a world is never replaced; an earlier world is; bad counts are refused", async () => {
  const foreign = join(root, "foreign");
  mkdirSync(foreign);
  writeFileSync(join(foreign, "notes.txt"), "keep me");
  await assert.rejects(writeWorldData(foreign, OPTIONS), /exists and is not a sandbox world directory/);
  assert.equal(readFileSync(join(foreign, "notes.txt"), "utf8"), "keep me");
  assert.deepEqual(
    readdirSync(root).filter((n) => n.includes(".partial-")),
    [],
  );
  const first = await writeWorldData(join(root, "e"), OPTIONS);
  const again = await writeWorldData(first.dir, { ...OPTIONS, train: 5 });
  assert.equal(readJson(again.train.scenes).length, 5);
  await assert.rejects(
    writeWorldData(join(root, "d"), { ...OPTIONS, train: 1.5 }),
    /train must be a whole number/,
  );
  await assert.rejects(writeWorldData(join(root, "d"), { ...OPTIONS, test: 0 }), /at least one image/);
});
