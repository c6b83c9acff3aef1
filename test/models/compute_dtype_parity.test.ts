// bf16 compute (--compute-dtype bf16) on the PyTorch parity fixtures (tools/make_model_fixtures.py, f32
// references): with the frozen weights' products in bf16, the loss stays within LOSS_TOL of PyTorch's f32
// loss, the logits within LOGIT_TOL and the trainable norms' and head's gradients within GRAD_TOL of the
// largest one; and the logits do differ from the f32 path's, so the bf16 products really ran.
// Measured differences in the loss (bf16 − f32): 1e-4 to 2.8e-3 on losses near 4.5.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadLlama, loadLlava } from "../../src/models/load.ts";
import { type Module, setTrainable } from "../../src/nn/module.ts";
import { backward, noGrad } from "../../src/tensor/autograd.ts";
import { withComputeDtype } from "../../src/tensor/compute_dtype.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { assertClose } from "../tensor/gradcheck.ts";
import { fixture, fixtureBatch } from "./fixture.ts";

const LOSS_TOL = 5e-3;
const LOGIT_TOL = 6e-2;
const GRAD_TOL = 5e-2;

interface Run {
  logits: Float32Array;
  loss: Tensor;
  /** 1 at the real positions (padded ones hold garbage in both systems). */
  mask: Uint8Array;
}

for (const name of [
  "llama_base",
  "llama_gqa_tied",
  "llama_bf16_bias",
  "mistral_sliding",
  "qwen2",
  "llava_hf",
  "llava_hf_f16",
  "llava_qwen2_siglip",
])
  test(`bf16 compute on the ${name} fixture: loss within ${LOSS_TOL} of PyTorch's f32, logits and norm gradients close`, () => {
    const f = fixture(name);
    const llava = name.startsWith("llava");
    const model = llava ? loadLlava(f.dir) : loadLlama(f.dir);
    for (const [n, p] of (model as Module).namedParameters())
      setTrainable(p, /norm\.weight$|^lm_head\.weight$/.test(n));
    const batch = fixtureBatch(f);
    const forward = (): Run => {
      if (llava) {
        const out = (model as ReturnType<typeof loadLlava>).forwardMultimodal({ ...batch, logits: "all" });
        return { logits: out.logits!.readF32(), loss: out.loss!, mask: out.plan.attentionMask };
      }
      const out = (model as ReturnType<typeof loadLlama>).forward({ ...batch, logits: "all" });
      return { logits: out.logits!.readF32(), loss: out.loss!, mask: batch.attentionMask };
    };
    const plain = noGrad(forward).logits;
    const bf = withComputeDtype("bf16", () => {
      const run = forward();
      backward(run.loss);
      return run;
    });
    const loss = bf.loss.item();
    const f32Loss = f.tensor("loss").data[0];
    assert.ok(Math.abs(loss - f32Loss) < LOSS_TOL, `loss ${loss} vs PyTorch f32 ${f32Loss}`);
    const want = f.tensor("logits").data;
    const V = want.length / bf.mask.length;
    for (const [r, real] of bf.mask.entries())
      if (real)
        assertClose(
          bf.logits.subarray(r * V, (r + 1) * V),
          want.subarray(r * V, (r + 1) * V),
          LOGIT_TOL,
          0,
          `logits row ${r}`,
        );
    assert.ok(
      plain.some((v, i) => Math.abs(v - bf.logits[i]) > 1e-3),
      "the bf16 logits equal the f32 ones: no bf16 product ran",
    );
    let compared = 0;
    for (const [n, p] of (model as Module).namedParameters()) {
      if (!p.requiresGrad || !f.has(`grad.${n}`)) continue;
      const g = f.tensor(`grad.${n}`).data;
      assertClose(p.grad!, g, GRAD_TOL * Math.max(...g.map(Math.abs)), 0, `grad ${n}`);
      compared++;
    }
    assert.ok(compared >= 3, `only ${compared} gradients compared`);
  });
