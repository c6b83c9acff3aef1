// Each tuning method trains exactly its parameters: the trainable set matches the paper's definition
// (written out independently here), and after real optimizer steps every other parameter is bit-identical.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadLlava } from "../../src/models/load.ts";
import { backward } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { AdamW } from "../../src/train/adamw.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { METHODS, type MethodName } from "../../src/tuning/methods.ts";
import { fixture, fixtureBatch } from "../models/fixture.ts";

const f = fixture("llava_hf");
const norms = (n: string) =>
  /^model\.layers\.\d+\.(input_layernorm|post_attention_layernorm)\.weight$/.test(n);
const defaults = (n: string) =>
  n.startsWith("projector.") || n === "model.embed_tokens.weight" || n === "lm_head.weight";
const EXPECTED: Record<MethodName, (n: string) => boolean> = {
  full: (n) => !n.startsWith("vision_model.") && !n.includes("lora_"),
  lora: (n) => n.includes(".lora_A.") || n.includes(".lora_B.") || defaults(n),
  "attn-qv": (n) => /^model\.layers\.\d+\.self_attn\.(q|v)_proj\./.test(n) || defaults(n),
  "attn-mlp": (n) => /^model\.layers\.\d+\.mlp\.(gate|up|down)_proj\./.test(n) || defaults(n),
  ln: (n) => norms(n) || defaults(n),
  "ln-simp": norms,
  connector: (n) => n.startsWith("projector."),
  "ln-connector": (n) => norms(n) || n.startsWith("projector."),
};

function trainTwoSteps(method: MethodName, opts = {}) {
  const model = loadLlava(f.dir);
  const set = applyMethod(model, METHODS[method], opts, new Rng(1));
  const before = new Map(model.namedParameters().map(([n, p]) => [n, p.readF32().slice()]));
  const params = model.namedParameters().filter(([, p]) => p.requiresGrad);
  const opt = new AdamW(params, { lr: 1e-2 });
  for (let step = 0; step < 2; step++) {
    const out = model.forwardMultimodal(fixtureBatch(f));
    backward(out.loss!);
    // LoRA's B starts at zero, so A gets its first gradient only after B has moved: take two steps.
    opt.update(1e-2);
    opt.zeroGrad();
  }
  return { model, set, before };
}

for (const method of Object.keys(METHODS) as MethodName[])
  test(`method ${method}: trains exactly its parameters; all others are bit-identical after training`, () => {
    const { model, set, before } = trainTwoSteps(method);
    const names = model.namedParameters().map(([n]) => n);
    assert.deepEqual(set.names, names.filter(EXPECTED[method]));
    for (const [name, p] of model.namedParameters()) {
      const was = before.get(name)!;
      const now = p.readF32();
      if (set.names.includes(name)) {
        if (!was.some((v, i) => v !== now[i])) assert.fail(`${name} is trainable but did not change`);
      } else {
        assert.equal(p.requiresGrad, false, name);
        if (was.some((v, i) => !Object.is(v, now[i]))) assert.fail(`${name} is frozen but changed`);
      }
    }
  });

test("final-norm flag and --trainable / --freeze regexes adjust the set", () => {
  const model = loadLlava(f.dir);
  const set = applyMethod(
    model,
    METHODS["ln-simp"],
    { includeFinalNorm: true, trainable: /^lm_head\./, freeze: /layers\.0\./ },
    new Rng(1),
  );
  const expected = model
    .namedParameters()
    .map(([n]) => n)
    .filter(
      (n) => (norms(n) || n === "model.norm.weight" || n === "lm_head.weight") && !n.includes("layers.0."),
    );
  assert.deepEqual(set.names, expected);
  // The vision tower stays frozen whatever the regex says.
  const model2 = loadLlava(f.dir);
  const set2 = applyMethod(model2, METHODS.connector, { trainable: /^vision_model\./ }, new Rng(1));
  assert.ok(set2.names.every((n) => n.startsWith("projector.")));
});

test("parameter accounting: counts per group add up to the model's total", () => {
  const model = loadLlava(f.dir);
  const set = applyMethod(model, METHODS.ln, {}, new Rng(1));
  const total = model.parameters().reduce((s, p) => s + p.size, 0);
  assert.equal(set.totalCount, total);
  const byGroup = [...set.byGroup.values()];
  assert.equal(
    byGroup.reduce((s, g) => s + g.total, 0),
    total,
  );
  const H = model.text.hidden_size;
  const L = model.text.num_hidden_layers;
  const V = model.text.vocab_size;
  const proj = model.projector.parameters().reduce((s, p) => s + p.size, 0);
  assert.equal(set.trainableCount, 2 * L * H + 2 * V * H + proj);
});
