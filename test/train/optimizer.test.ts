// AdamW, gradient clipping and the warmup-cosine schedule against PyTorch (tools/make_optimizer_fixture.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadLlava } from "../../src/models/load.ts";
import { Embedding, LayerNorm, Linear, RMSNorm } from "../../src/nn/layers.ts";
import { Module, Parameter } from "../../src/nn/module.ts";
import { TrainableArena } from "../../src/tensor/arena.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { AdamW, noDecayParameters } from "../../src/train/adamw.ts";
import { clipGradNorm } from "../../src/train/grad_norm.ts";
import { cosineWithWarmup, warmupSteps } from "../../src/train/schedule.ts";
import { fixture } from "../models/fixture.ts";
import { testEachBackend } from "../tensor/backends.ts";
import { assertClose } from "../tensor/gradcheck.ts";

const fx = JSON.parse(readFileSync(new URL("../fixtures/train/adamw.json", import.meta.url), "utf8"));

testEachBackend("AdamW + clipping + cosine warmup match PyTorch over several steps", () => {
  const w = new Parameter(Float32Array.from(fx.init.decay), [5, 3]);
  const b = new Parameter(Float32Array.from(fx.init.no_decay), [4]);
  const params = [
    ["layer.weight", w],
    ["layer.bias", b],
  ] as const;
  const opt = new AdamW(params, {
    lr: fx.lr,
    betas: fx.betas,
    eps: fx.eps,
    weightDecay: fx.weight_decay,
    noDecay: new Set([b]),
  });
  const warmup = warmupSteps(fx.total, fx.warmup_ratio);
  fx.steps.forEach((s: Record<string, number[] & number>, step: number) => {
    w.grad = Float32Array.from(s.grad_decay);
    b.grad = Float32Array.from(s.grad_no_decay);
    opt.arena.collectGrads(false);
    const norm = clipGradNorm(opt.arena, fx.max_norm);
    assert.ok(Math.abs(norm - s.norm) < 1e-5 * s.norm, `norm at step ${step}`);
    const lr = fx.lr * cosineWithWarmup(step, fx.total, warmup);
    assert.ok(Math.abs(lr - s.lr) < 1e-12, `lr at step ${step}: ${lr} vs ${s.lr}`);
    opt.update(lr);
    assertClose(w.readF32(), s.decay, 1e-6, 1e-5, `weights after step ${step + 1}`);
    assertClose(b.readF32(), s.no_decay, 1e-6, 1e-5, `bias after step ${step + 1}`);
  });
});

test("weight decay skips the parameters of norm layers and biases, found by module type, not name", () => {
  // HF Trainer's get_decay_parameter_names: no decay inside ALL_LAYERNORM_LAYERS modules, none on biases.
  class Toy extends Module {
    ln_f = new LayerNorm(4, 1e-5);
    final = new RMSNorm(4, 1e-6);
    proj = new Linear(4, 4, true, new Rng(1));
    emb = new Embedding(5, 4, new Rng(2));
  }
  const toy = new Toy();
  const names = (set: Set<Parameter>) =>
    toy
      .namedParameters()
      .filter(([, p]) => set.has(p))
      .map(([n]) => n);
  assert.deepEqual(names(noDecayParameters(toy)), ["ln_f.weight", "ln_f.bias", "final.weight", "proj.bias"]);

  const llava = loadLlava(fixture("llava_hf").dir);
  const exempt = new Set(
    llava
      .namedParameters()
      .filter(([, p]) => noDecayParameters(llava).has(p))
      .map(([n]) => n),
  );
  for (const [name] of llava.namedParameters()) {
    const isNorm = /(layernorm|layer_norm\d|pre_layrnorm|^model\.norm)\.(weight|bias)$/.test(name);
    assert.equal(exempt.has(name), isNorm || name.endsWith(".bias"), name);
  }
});

test("non-finite gradients are reported by parameter name", () => {
  const a = new Parameter(Float32Array.of(1, 2), [2]);
  const c = new Parameter(Float32Array.of(1), [1]);
  a.grad = Float32Array.of(0, Number.NaN);
  c.grad = Float32Array.of(Number.POSITIVE_INFINITY);
  const arena = new TrainableArena([
    ["a", a],
    ["c", c],
  ]);
  arena.collectGrads(false);
  assert.deepEqual(arena.nonFiniteGrads(), ["a", "c"]);
});
