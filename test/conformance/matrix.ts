// The conformance matrix: one replica of a published file set run through every lntune command that
// applies to it, one test per command. A LLaVA replica is used as it is (--model); an LLM replica is
// joined with a tower replica (CLIP's unless the spec names another) into a new LLaVA (pretrain/finetune
// --llm --vision), and the commands that need a LLaVA then use the base checkpoint finetune writes. Tests
// run in order: finetune uses pretrain's connector, and the later commands use finetune's adapters.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { scorePopeFiles } from "../../src/eval/score_pope_files.ts";
import { openSafetensors } from "../../src/io/safetensors.ts";
import type { LlavaForConditionalGeneration } from "../../src/models/llava/model.ts";
import { loadLlava, loadModel } from "../../src/models/load.ts";
import { noGrad } from "../../src/tensor/autograd.ts";
import { loadAdapter } from "../../src/tuning/peft_adapter.ts";
import { readAdapterConfig } from "../../src/tuning/peft_config.ts";
import { type TinyWorld, tinyWorld } from "../sandbox/tiny_sandbox.ts";
import { lntuneOk } from "./cli.ts";
import { filesOf, materialize, readConfig, readReplica } from "./replica.ts";

export const CLIP_FOLDER = "openai--clip-vit-large-patch14-336";
/** The paper's six stage-2 methods. */
const METHODS = ["full", "lora", "attn-qv", "attn-mlp", "ln", "ln-simp"] as const;
const PROMPT = "What is in the picture?";

export interface ReplicaSpec {
  /** The published repository, as the test names show it. */
  repo: string;
  /** Its folder under test/fixtures/replicas. */
  folder: string;
  /** A LLaVA checkpoint (--model), or an LLM that pretrain/finetune join with the CLIP replica. */
  kind: "llava" | "llm";
  /** The layout `lntune inspect` should report. */
  layout: "llava-hf" | "llava" | "llama";
  /** The original layout names its tower by hub id: give the CLIP replica with --vision-tower. */
  towerFlag?: boolean;
  /** The tokenizer has a chat template: also generate with --template chat_template. */
  chatTemplate?: boolean;
  /** The tower replica an LLM is joined with (and the original layout's --vision-tower); CLIP's when
   * left out. */
  towerFolder?: string;
}

/** Rounding to nearest (ties to even) into a storage dtype with `bits` fraction bits and smallest normal
 * exponent `minExp`: what storing a float32 value as float16 (10, -14) or bfloat16 (7, -126) gives. */
function roundTo(values: Float32Array, bits: number, minExp: number): Float32Array {
  return values.map((x) => {
    if (x === 0 || !Number.isFinite(x)) return x;
    const a = Math.abs(x);
    const quantum = 2 ** (Math.max(Math.floor(Math.log2(a)), minExp) - bits);
    const n = a / quantum;
    const f = Math.floor(n);
    const up = n - f > 0.5 || (n - f === 0.5 && f % 2 !== 0);
    // The sign survives rounding to zero (-0), as in the storage formats.
    return Math.sign(x) * (up ? f + 1 : f) * quantum;
  });
}

export const roundBf16 = (values: Float32Array) => roundTo(values, 7, -126);

/** Values as a parameter of storage dtype `dtype` holds them. */
function roundToStorage(values: Float32Array, dtype: string): Float32Array {
  if (dtype === "f16") return roundTo(values, 10, -14);
  if (dtype === "bf16") return roundBf16(values);
  return values;
}

/** Name → f32 values and storage dtype of every parameter. */
function weightsOf(model: {
  namedParameters(): Array<[string, { readF32(): Float32Array; dtype: string }]>;
}) {
  return new Map(model.namedParameters().map(([n, p]) => [n, { values: p.readF32(), dtype: p.dtype }]));
}

/** Every parameter of `actual` equals `expected`'s (after `round`), with the same names. */
function assertSameWeights(
  actual: ReturnType<typeof weightsOf>,
  expected: ReturnType<typeof weightsOf>,
  round: (v: Float32Array, name: string) => Float32Array = (v) => v,
): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, e] of expected) assert.deepEqual(actual.get(name)!.values, round(e.values, name), name);
}

/** Logits of a fixed text-only sequence. */
function logitsOf(model: LlavaForConditionalGeneration, vocab: number): Float32Array {
  const ids = Int32Array.from([1, 450, 4996, 17354, 1701, 29916].map((t) => t % vocab));
  const out = noGrad(() =>
    model.forwardMultimodal({
      inputIds: ids,
      batch: 1,
      seqLen: ids.length,
      logits: "all",
    }),
  );
  return out.logits!.readF32();
}

function assertClose(actual: Float32Array, expected: Float32Array, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tol, `${what}: largest difference ${worst} > ${tol}`);
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

export function conformanceMatrix(spec: ReplicaSpec): void {
  const { repo, kind } = spec;
  const info = readReplica(spec.folder);
  let tmp: string;
  let dir: string;
  let vision: string;
  let data: TinyWorld;
  let pope: string;
  let image: string;
  const tower = () => (spec.towerFlag ? ["--vision-tower", vision] : []);
  const towerDir = () => (spec.towerFlag ? vision : undefined);
  const modelArgs = () =>
    kind === "llava"
      ? ["--model", dir, ...tower()]
      : ["--llm", dir, "--vision", vision, "--projector", "mlp2x_gelu"];
  const stage1 = () => join(tmp, "pretrain");
  const stage2 = (method: string) => join(tmp, `finetune-${method}`);
  const adapter = (method: string) => join(stage2(method), "adapter");
  /** The checkpoint an adapter applies to: the replica, or the LLaVA finetune wrote for an LLM. */
  const base = (method: string) =>
    kind === "llava" ? dir : readAdapterConfig(adapter(method)).baseModelNameOrPath!;
  /** Tower flags for commands on base(): the LLaVA finetune writes holds its tower. */
  const baseTower = () => (kind === "llava" ? tower() : []);

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "lntune-conformance-"));
    dir = materialize(spec.folder, tmp);
    vision = materialize(spec.towerFolder ?? CLIP_FOLDER, tmp);
    data = await tinyWorld(join(tmp, "data"), { train: 4, seed: 5 });
    image = join(data.images, data.imageFiles[2]);
    pope = join(tmp, "data", "coco_pope_random.json");
    const questions = [
      { question_id: 1, image: data.imageFiles[2], text: "Is there a circle in the image?", label: "yes" },
      { question_id: 2, image: data.imageFiles[3], text: "Is there a square in the image?", label: "no" },
    ];
    writeFileSync(pope, questions.map((q) => `${JSON.stringify(q)}\n`).join(""));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test(`${repo} × inspect`, async () => {
    const d = JSON.parse((await lntuneOk("inspect", dir, ...tower(), "--json")).stdout);
    assert.equal(d.kind, kind);
    assert.equal(d.layout, spec.layout);
    assert.deepEqual(d.parameters, info.expected.parameters);
    assert.deepEqual(d.dtypes, info.expected.dtypes);
    for (const c of d.checkpoints)
      assert.deepEqual([c.unplaced.count, c.missing, c.mismatched], [0, [], []], c.dir);
    const config = readConfig(dir);
    const text = (config.text_config ?? config) as Record<string, number>;
    const heads = text.num_attention_heads;
    assert.deepEqual(
      [d.llm.vocabSize, d.llm.layers, d.llm.hiddenSize, d.llm.heads, d.llm.kvHeads, d.llm.headDim],
      [
        text.vocab_size,
        text.num_hidden_layers,
        text.hidden_size,
        heads,
        text.num_key_value_heads ?? heads,
        text.head_dim ?? text.hidden_size / heads,
      ],
    );
    if (text.rope_scaling) assert.match(JSON.stringify(d.llm.ropeScaling), /llama3/);
  });

  if (kind === "llava")
    test(`${repo} × generate --image`, async () => {
      const r = await lntuneOk(
        "generate",
        "--model",
        dir,
        ...tower(),
        "--image",
        image,
        "--prompt",
        PROMPT,
        "--max-new-tokens",
        "4",
      );
      assert.ok(r.stdout.endsWith("\n"));
    });
  else {
    test(`${repo} × generate`, async () => {
      const r = await lntuneOk("generate", "--model", dir, "--prompt", PROMPT, "--max-new-tokens", "4");
      assert.ok(r.stdout.endsWith("\n"));
    });
    if (spec.chatTemplate)
      test(`${repo} × generate --template chat_template`, async () => {
        const args = [
          "--model",
          dir,
          "--prompt",
          PROMPT,
          "--max-new-tokens",
          "4",
          "--template",
          "chat_template",
        ];
        const r = await lntuneOk("generate", ...args);
        assert.ok(r.stdout.endsWith("\n"));
      });
  }

  test(`${repo} × convert`, async () => {
    const out = join(tmp, "converted");
    await lntuneOk("convert", dir, out);
    assert.ok(!filesOf(out).some((f) => f.endsWith(".bin")), filesOf(out).join(", "));
    const converted = weightsOf(loadModel(out, { visionTowerDir: towerDir() }).model);
    const original = weightsOf(loadModel(dir, { visionTowerDir: towerDir() }).model);
    assertSameWeights(converted, original);
    for (const [name, w] of original) assert.equal(converted.get(name)!.dtype, w.dtype, name);
  });

  test(`${repo} × convert --dtype bf16`, async () => {
    const out = join(tmp, "converted-bf16");
    await lntuneOk("convert", dir, out, "--dtype", "bf16");
    const converted = weightsOf(loadModel(out, { visionTowerDir: towerDir() }).model);
    const original = weightsOf(loadModel(dir, { visionTowerDir: towerDir() }).model);
    // A tower given with --vision-tower is not part of the converted directory.
    const converts = (name: string) => !(spec.towerFlag && name.startsWith("vision_model."));
    assertSameWeights(converted, original, (v, name) => (converts(name) ? roundBf16(v) : v));
    for (const [name, w] of converted) assert.equal(w.dtype, converts(name) ? "bf16" : "f32", name);
  });

  test(`${repo} × pretrain`, async () => {
    const args = ["--data", data.pretrain, "--images", data.images, "--output", stage1()];
    await lntuneOk("pretrain", ...modelArgs(), ...args, "--batch-size", "2", "--max-steps", "1", "--quiet");
    const run = readJson(join(stage1(), "run.json"));
    assert.deepEqual([run.stage, run.method, run.steps], ["pretrain", "connector", 1]);
    assert.ok(Number.isFinite(run.finalLoss), String(run.finalLoss));
    // The connector alone: mlp2x_gelu from the tower's width to the LLM's (the tower replicas are full
    // CLIP / SigLIP models: their vision_config).
    const llm = readConfig(dir);
    const h = ((llm.text_config ?? llm) as Record<string, number>).hidden_size;
    const v = (readConfig(vision).vision_config as Record<string, number>).hidden_size;
    assert.equal(run.trainable.count, v * h + h + h * h + h);
    assert.ok(filesOf(stage1()).includes("connector.safetensors"));
  });

  for (const method of METHODS)
    test(`${repo} × finetune --method ${method}`, async () => {
      const connector = kind === "llm" ? ["--connector", join(stage1(), "connector.safetensors")] : [];
      const args = ["--data", data.finetune, "--images", data.images, "--output", stage2(method)];
      await lntuneOk(
        "finetune",
        ...modelArgs(),
        ...connector,
        "--method",
        method,
        ...args,
        ...["--batch-size", "2", "--max-steps", "2", "--quiet"],
      );
      const run = readJson(join(stage2(method), "run.json"));
      assert.deepEqual([run.stage, run.method, run.steps], ["finetune", method, 2]);
      assert.ok(Number.isFinite(run.finalLoss), String(run.finalLoss));
      assert.ok(run.trainable.count > 0);
      const config = readJson(join(adapter(method), "adapter_config.json"));
      if (method === "lora" || method === "ln")
        assert.equal(config.peft_type, method === "lora" ? "LORA" : "LN_TUNING");
      assert.ok(existsSync(join(adapter(method), "adapter_model.safetensors")));
    });

  for (const method of METHODS)
    test(`${repo} × adapter reload (--method ${method})`, () => {
      // Trained weights go back into the adapter in the checkpoint's dtype.
      const stored = weightsOf(loadLlava(base(method), { visionTowerDir: towerDir() }));
      const model = loadLlava(base(method), { visionTowerDir: towerDir() });
      loadAdapter(adapter(method), model);
      const params = new Map(model.namedParameters());
      const final = openSafetensors(
        join(stage2(method), "checkpoints", "step-0000002", "trainable.safetensors"),
      );
      try {
        assert.ok(final.names().length > 0);
        for (const name of final.names()) {
          assert.ok(params.has(name), `${name} is not a parameter after loading the adapter`);
          const trained = final.read(name).data as Float32Array;
          const want = roundToStorage(trained, stored.get(name)?.dtype ?? "f32");
          assert.deepEqual(params.get(name)!.readF32(), want, name);
        }
      } finally {
        final.close();
      }
    });

  for (const method of ["ln", "lora"])
    test(`${repo} × merge (--method ${method})`, async () => {
      const out = join(tmp, `merged-${method}`);
      await lntuneOk("merge", "--model", base(method), "--adapter", adapter(method), "--output", out);
      const merged = loadLlava(out, { visionTowerDir: towerDir() });
      const tuned = loadLlava(base(method), { visionTowerDir: towerDir() });
      loadAdapter(adapter(method), tuned);
      // The merged weights are stored in the checkpoint's dtype: equal logits up to that rounding.
      const vocab = tuned.text.vocab_size;
      assertClose(logitsOf(merged, vocab), logitsOf(tuned, vocab), 2e-2, "logits");
    });

  test(`${repo} × eval --bench pope`, async () => {
    const out = join(tmp, "eval-pope");
    const r = await lntuneOk(
      "eval",
      ...["--model", base("ln"), ...baseTower(), "--adapter", adapter("ln")],
      ...["--bench", "pope", "--data", pope, "--images", data.images, "--output", out],
      ...["--max-new-tokens", "3", "--quiet"],
    );
    const lines = readFileSync(join(out, "predictions.jsonl"), "utf8").trim().split("\n");
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(r.stdout), scorePopeFiles([pope], join(out, "pope_answers.jsonl")));
  });

  test(`${repo} × analyze similarity`, async () => {
    const r = await lntuneOk(
      "analyze",
      "similarity",
      ...["--model", base("ln"), ...baseTower(), "--adapter", adapter("ln")],
      ...["--data", data.finetune, "--images", data.images, "--limit", "2", "--json"],
    );
    const s = JSON.parse(r.stdout);
    const layers = loadLlava(base("ln"), { visionTowerDir: towerDir() }).text.num_hidden_layers;
    assert.equal(s.samples, 2);
    assert.equal(s.matrix.length, layers);
    for (let i = 0; i < layers; i++) assert.ok(Math.abs(s.matrix[i][i] - 1) < 1e-4, `diagonal ${i}`);
  });

  if (kind === "llm")
    test(`${repo} × generate --image (the LLaVA finetune built on it)`, async () => {
      const args = ["--model", base("ln"), "--adapter", adapter("ln"), "--image", image, "--prompt", PROMPT];
      const r = await lntuneOk("generate", ...args, "--max-new-tokens", "4");
      assert.ok(r.stdout.endsWith("\n"));
    });
}
