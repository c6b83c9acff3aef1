// --compute-dtype bf16 and --quantize on the commands that run a model, end to end on the tiny sandbox world
// with a small LLaMA whose rows fit the quantisation blocks: finetune trains through quantised frozen
// projections in bf16 (a different loss from the f32 run's, smaller weights, both recorded), its adapter holds
// only the f32 norms, and generate and eval run with the flags, eval recording them in its settings.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Fields } from "../../src/io/config/fields.ts";
import { parseLlamaConfig } from "../../src/io/config/llama_config.ts";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { copyTokenizerFiles, saveLlama } from "../../src/models/save.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { latestCheckpoint } from "../../src/train/checkpoint.ts";
import { readAdapterConfig } from "../../src/tuning/peft_config.ts";
import { lntuneOk } from "../conformance/cli.ts";
import { LLAMA2_TOKENIZER, type TinyWorld, tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

let tmp: string;
let data: TinyWorld;
let llm: string;
let vision: string;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "lntune-precision-"));
  data = await tinyWorld(join(tmp, "data"), { train: 4, seed: 5 });
  vision = tinyModels(join(tmp, "models"), 5).vision;
  // Rows of 64 and 128 values: whole blocks of both formats.
  const config = parseLlamaConfig(
    new Fields("(test LLM)", {
      model_type: "llama",
      vocab_size: 32000,
      hidden_size: 64,
      intermediate_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      max_position_embeddings: 256,
      pad_token_id: 0,
    }),
  );
  llm = join(tmp, "llm");
  saveLlama(llm, new LlamaForCausalLM(config, new Rng(3)));
  copyTokenizerFiles(LLAMA2_TOKENIZER, llm);
  await lntuneOk(
    ...["pretrain", "--llm", llm, "--vision", vision, "--data", data.pretrain, "--images", data.images],
    ...["--output", join(tmp, "s1"), "--max-steps", "1", "--batch-size", "2", "--quiet"],
  );
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

/** Each finetune run's stderr, by output name. */
const stderrOf = new Map<string, string>();

async function finetune(out: string, ...flags: string[]) {
  const r = await lntuneOk(
    ...[
      "finetune",
      "--llm",
      llm,
      "--vision",
      vision,
      "--connector",
      join(tmp, "s1", "connector.safetensors"),
    ],
    ...["--data", data.finetune, "--images", data.images, "--output", join(tmp, out), "--method", "ln-simp"],
    ...["--max-steps", "2", "--batch-size", "2", "--quiet", ...flags],
  );
  stderrOf.set(out, r.stderr);
  return readJson(join(tmp, out, "run.json"));
}

test("finetune in bf16 through nf4 projections: another loss, smaller weights, options recorded, adapter f32", async () => {
  const plain = await finetune("plain");
  const low = await finetune("low", "--compute-dtype", "bf16", "--quantize", "nf4");
  assert.notEqual(low.finalLoss, plain.finalLoss);
  assert.ok(Math.abs(low.finalLoss - plain.finalLoss) < 0.5, `${low.finalLoss} vs ${plain.finalLoss}`);
  assert.ok(low.memory.weightBytes < plain.memory.weightBytes);
  const options = readJson(join(latestCheckpoint(join(tmp, "low"))!, "options.json"));
  assert.deepEqual([options.computeDtype, options.quantize], ["bf16", "nf4"]);
  const adapter = openSafetensors(join(tmp, "low", "adapter", "adapter_model.safetensors"));
  const dtypes = new Set(adapter.names().map((n) => adapter.info(n).dtype));
  adapter.close();
  assert.deepEqual([...dtypes], ["F32"]);
});

test("--quantize while loading (the base found) trains bit for bit as quantising after (the base written)", async () => {
  // "low" found the base "plain" wrote beside the stage-1 connector; a copy of the connector elsewhere has
  // none yet, so its run loads the weights as they are, writes the base, then quantises.
  const elsewhere = join(tmp, "elsewhere");
  mkdirSync(elsewhere);
  copyFileSync(join(tmp, "s1", "connector.safetensors"), join(elsewhere, "connector.safetensors"));
  const flags = ["--compute-dtype", "bf16", "--quantize", "nf4"];
  const after = await finetune(
    "low-after",
    ...flags,
    "--connector",
    join(elsewhere, "connector.safetensors"),
  );
  const low = readJson(join(tmp, "low", "run.json"));
  assert.equal(after.finalLoss, low.finalLoss);
  const read = (run: string) => {
    const f = openSafetensors(join(tmp, run, "adapter", "adapter_model.safetensors"));
    const values = f.names().map((n) => [n, [...(f.read(n).data as Float32Array)]]);
    f.close();
    return values;
  };
  assert.deepEqual(read("low-after"), read("low"));
  assert.match(stderrOf.get("low")!, /quantised 14 frozen weights to nf4: .* while loading\n/);
  assert.match(stderrOf.get("low-after")!, /quantised 14 frozen weights to nf4: [^\n]*GiB\n/);
});

test("generate and eval run with bf16 compute and quantised weights; eval records both", async () => {
  const base = readAdapterConfig(join(tmp, "low", "adapter")).baseModelNameOrPath!;
  const adapter = join(tmp, "low", "adapter");
  const image = join(data.images, data.imageFiles[0]);
  const g = await lntuneOk(
    ...["generate", "--model", base, "--adapter", adapter, "--image", image, "--prompt", "What is it?"],
    ...["--max-new-tokens", "3", "--compute-dtype", "bf16", "--quantize", "int8"],
  );
  assert.match(g.stderr, /quantised 14 frozen weights to int8: [^\n]* while loading\n/);
  const questions = join(tmp, "pope.jsonl");
  const lines = [0, 1].map((i) =>
    JSON.stringify({ question_id: i, image: data.imageFiles[i], text: "Is there a circle?", label: "yes" }),
  );
  writeFileSync(questions, `${lines.join("\n")}\n`);
  const out = join(tmp, "eval");
  await lntuneOk(
    ...["eval", "--model", base, "--adapter", adapter, "--bench", "pope", "--data", questions],
    ...["--images", data.images, "--output", out, "--max-new-tokens", "2", "--quiet"],
    ...["--compute-dtype", "bf16", "--quantize", "nf4"],
  );
  const settings = readJson(join(out, "run.json"));
  assert.deepEqual([settings.compute_dtype, settings.quantize], ["bf16", "nf4"]);
  assert.equal(readFileSync(join(out, "predictions.jsonl"), "utf8").trim().split("\n").length, 2);
});
