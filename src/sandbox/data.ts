// Sandbox data in LLaVA's formats: stage-1 descriptions, stage-2 questions about the shape, text-only
// conversations that pretrain the tiny LLM, and held-out questions with their answers.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { Rng } from "../tensor/rng.ts";
import { COLORS, type Scene, SHAPES, writePng } from "./world.ts";

export interface SandboxData {
  images: string;
  pretrain: string;
  finetune: string;
  text: string;
  /** LLaVA question JSONL ({question_id, image, text}) and the answers by question_id. */
  questions: string;
  answers: string;
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function scene(rng: Rng, size: number): Scene {
  const colors = Object.keys(COLORS);
  const radius = size * (0.2 + 0.15 * rng.uniform());
  const margin = radius + 1;
  return {
    color: colors[rng.int(colors.length)],
    shape: SHAPES[rng.int(SHAPES.length)],
    radius,
    cx: margin + rng.uniform() * (size - 2 * margin),
    cy: margin + rng.uniform() * (size - 2 * margin),
  };
}

/** Question/answer pairs about one scene. */
function qa(s: Scene, rng: Rng): Array<[string, string]> {
  const colors = Object.keys(COLORS);
  const other = colors[(colors.indexOf(s.color) + 1 + rng.int(colors.length - 1)) % colors.length];
  const askColor = rng.uniform() < 0.5 ? s.color : other;
  return [
    ["What color is the shape?", cap(s.color)],
    ["What shape is in the image?", cap(s.shape)],
    [`Is the shape ${askColor}?`, askColor === s.color ? "Yes" : "No"],
  ];
}

const describe = (s: Scene) => `A ${s.color} ${s.shape}.`;
const DESCRIBE = "Describe the image.";

/** A text-only conversation: the scene described in words where an image would be. */
const textSample = (id: string, s: Scene, q: string, a: string) => ({
  id,
  conversations: [
    { from: "human", value: `${describe(s)}\n${q}` },
    { from: "gpt", value: a },
  ],
});

const imageSample = (id: string, file: string, q: string, a: string) => ({
  id,
  image: file,
  conversations: [
    { from: "human", value: `<image>\n${q}` },
    { from: "gpt", value: a },
  ],
});

/** Writes the images and the data files. The text set mirrors the image tasks with the scene described in
 * words, so the LLM already knows how to answer once the connector makes images read like descriptions. */
export async function makeSandboxData(
  dir: string,
  opts: { train: number; eval: number; size: number; seed: number },
): Promise<SandboxData> {
  const rng = new Rng(opts.seed);
  const images = join(dir, "images");
  mkdirSync(images, { recursive: true });
  const pretrain: object[] = [];
  const finetune: object[] = [];
  const text: object[] = [];
  const questions: string[] = [];
  const answers: Record<string, string> = {};
  for (let i = 0; i < opts.train + opts.eval; i++) {
    const s = scene(rng, opts.size);
    const file = `${String(i).padStart(5, "0")}.png`;
    await writePng(join(images, file), s, opts.size);
    const pairs = qa(s, rng);
    if (i < opts.train) {
      pretrain.push(imageSample(`cap-${i}`, file, DESCRIBE, describe(s)));
      const [q, a] = pairs[rng.int(pairs.length)];
      finetune.push(imageSample(`qa-${i}`, file, q, a));
      // Text about a different random scene, so the LLM never sees this image's answers.
      const t = scene(rng, opts.size);
      const [tq, ta] = rng.uniform() < 0.25 ? [DESCRIBE, describe(t)] : qa(t, rng)[rng.int(3)];
      text.push(textSample(`text-${i}`, t, tq, ta));
    } else
      for (const [k, [q, a]] of pairs.entries()) {
        const id = `${i}-${k}`;
        questions.push(JSON.stringify({ question_id: id, image: file, text: q }));
        answers[id] = a;
      }
  }
  const out: SandboxData = {
    images,
    pretrain: join(dir, "pretrain.json"),
    finetune: join(dir, "finetune.json"),
    text: join(dir, "text.json"),
    questions: join(dir, "questions.jsonl"),
    answers: join(dir, "answers.json"),
  };
  writeFileAtomic(out.pretrain, JSON.stringify(pretrain));
  writeFileAtomic(out.finetune, JSON.stringify(finetune));
  writeFileAtomic(out.text, JSON.stringify(text));
  writeFileAtomic(out.questions, `${questions.join("\n")}\n`);
  writeFileAtomic(out.answers, JSON.stringify(answers));
  return out;
}
