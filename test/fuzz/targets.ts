// What the fuzzer feeds: each target is a valid file set (copied into a fresh directory per input), the files
// of it that mutations may change, and the reader that must either accept the result or fail clearly.
import { fileURLToPath } from "node:url";
import { loadSamples } from "../../src/data/load_samples.ts";
import { readPredictions } from "../../src/eval/harness/predictions_file.ts";
import { scoreCaptionFiles } from "../../src/eval/score_caption_files.ts";
import { scoreMmeDir } from "../../src/eval/score_mme_dir.ts";
import { scorePopeFiles } from "../../src/eval/score_pope_files.ts";
import { scoreVqaFiles } from "../../src/eval/score_vqa_files.ts";
import { decodeImage } from "../../src/io/image.ts";
import { loadTokenizer } from "../../src/io/tokenizer.ts";
import { openWeightsFile } from "../../src/io/weights_file.ts";
import { loadLlama, loadLlava } from "../../src/models/load.ts";

export type JsonKind = "json" | "jsonl" | null;

export interface FuzzTarget {
  name: string;
  /** [source file, name inside the input directory] */
  files: Array<[string, string]>;
  /** Names inside the input directory that mutations may change, with how to parse them. */
  mutable: Array<[string, JsonKind]>;
  run(dir: string): unknown;
}

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const same = (dir: string, names: string[]): Array<[string, string]> =>
  names.map((n) => [fixture(`${dir}/${n}`), n]);

export const TARGETS: FuzzTarget[] = [
  {
    name: "LLaMA checkpoint (config.json + model.safetensors)",
    files: same("models/llama_base", ["config.json", "model.safetensors"]),
    mutable: [
      ["config.json", "json"],
      ["model.safetensors", null],
    ],
    run: (dir) => loadLlama(dir),
  },
  {
    name: "sharded BF16 checkpoint (index + shards)",
    files: same("models/llama_bf16_sharded", [
      "config.json",
      "model.safetensors.index.json",
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
    ]),
    mutable: [
      ["model.safetensors.index.json", "json"],
      ["model-00001-of-00002.safetensors", null],
      ["model-00002-of-00002.safetensors", null],
    ],
    run: (dir) => loadLlama(dir),
  },
  ...(["dtypes.bin", "views.pt", "state_dict.pth"] as const).map(
    (file): FuzzTarget => ({
      name: `PyTorch zip checkpoint ${file}`,
      files: same("torch", [file]),
      mutable: [[file, null]],
      run: (dir) => {
        const f = openWeightsFile(`${dir}/${file}`);
        try {
          return f.names().map((name) => f.read(name));
        } finally {
          f.close();
        }
      },
    }),
  ),
  {
    name: "llava-hf checkpoint (nested text/vision config)",
    files: same("models/llava_hf", ["config.json", "model.safetensors"]),
    mutable: [["config.json", "json"]],
    run: (dir) => loadLlava(dir),
  },
  {
    name: "tokenizer.json + tokenizer_config.json",
    files: same("eval/harness/tokenizer", ["tokenizer.json", "tokenizer_config.json"]),
    mutable: [
      ["tokenizer.json", "json"],
      ["tokenizer_config.json", "json"],
    ],
    run: (dir) => {
      const t = loadTokenizer(dir);
      return t.decode(t.encode("A red circle left of 2 blue squares."));
    },
  },
  {
    name: "SentencePiece tokenizer.model + tokenizer_config.json",
    files: same("tokenizers/spm-bpe-unk", ["tokenizer.model", "tokenizer_config.json"]),
    mutable: [
      ["tokenizer.model", null],
      ["tokenizer_config.json", "json"],
    ],
    run: (dir) => {
      const t = loadTokenizer(dir);
      return t.decode(t.encode("A red circle<sep>left of 2 blue <image> squares."));
    },
  },
  {
    name: "LLaVA data (JSON list)",
    files: same("data", ["detail_23k.json"]),
    mutable: [["detail_23k.json", "json"]],
    run: (dir) => loadSamples(`${dir}/detail_23k.json`, { imageFolder: dir, checkImagesExist: true }),
  },
  {
    name: "LLaVA data (JSONL)",
    files: same("data", ["mixed.jsonl"]),
    mutable: [["mixed.jsonl", "jsonl"]],
    run: (dir) => loadSamples(`${dir}/mixed.jsonl`, { imageFolder: dir }),
  },
  ...(["landscape_37x23.png", "photo_45x31.jpg", "lossless_27x33.webp"] as const).map(
    (image): FuzzTarget => ({
      name: `image ${image.slice(image.lastIndexOf(".") + 1)}`,
      files: same("images", [image]),
      mutable: [[image, null]],
      run: (dir) => decodeImage(`${dir}/${image}`),
    }),
  ),
  {
    name: "VQA questions, annotations and results",
    files: same("eval/vqa", ["questions.json", "annotations.json", "results.json"]),
    mutable: [
      ["questions.json", "json"],
      ["annotations.json", "json"],
      ["results.json", "json"],
    ],
    run: (dir) => scoreVqaFiles(`${dir}/questions.json`, `${dir}/annotations.json`, `${dir}/results.json`),
  },
  {
    name: "caption annotations and results",
    files: same("eval/caption", ["annotations.json", "results.json"]),
    mutable: [
      ["annotations.json", "json"],
      ["results.json", "json"],
    ],
    run: (dir) => scoreCaptionFiles(`${dir}/annotations.json`, `${dir}/results.json`),
  },
  {
    name: "POPE split and answer files",
    files: same("eval/pope", ["coco_pope_random.json", "answers.jsonl"]),
    mutable: [
      ["coco_pope_random.json", "jsonl"],
      ["answers.jsonl", "jsonl"],
    ],
    run: (dir) => scorePopeFiles([`${dir}/coco_pope_random.json`], `${dir}/answers.jsonl`),
  },
  {
    name: "MME result files",
    files: same("eval/mme/results", ["existence.txt", "count.txt"]),
    mutable: [
      ["existence.txt", null],
      ["count.txt", null],
    ],
    run: (dir) => scoreMmeDir(dir),
  },
  {
    name: "eval predictions (answer JSONL)",
    files: same("fuzz", ["predictions.jsonl"]),
    mutable: [["predictions.jsonl", "jsonl"]],
    run: (dir) => readPredictions(`${dir}/predictions.jsonl`),
  },
];
