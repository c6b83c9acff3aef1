// The learning-rate sweep of docs/lr-sweep.md: builds the demo's sandbox, text-pretrains the LLM, runs stage 1
// once, then stage 2 once per METHOD@LR and prints final loss and held-out accuracy.
// Usage: node --import tsx tools/sandbox_lr_sweep.ts DIR EVAL_IMAGES METHOD@LR [METHOD@LR ...]
//   e.g. node --import tsx tools/sandbox_lr_sweep.ts /tmp/sweep 100 ln@5e-3 ln@2e-2 ln-simp@2e-2
import { join } from "node:path";
import { prepareSandbox } from "../src/sandbox/prepare.ts";
import { type MethodName, methodSpec } from "../src/tuning/methods.ts";

const [dir, evalImages, ...specs] = process.argv.slice(2);
if (!dir || !evalImages || specs.length === 0)
  throw new Error("usage: sandbox_lr_sweep.ts DIR EVAL_IMAGES METHOD@LR ...");
const sandbox = await prepareSandbox({
  dir,
  train: 512,
  eval: Number(evalImages),
  seed: 0,
  textEpochs: 8,
  quiet: true,
  log: () => {},
});
console.log(`text pretraining: final loss ${sandbox.textLoss.toFixed(3)}`);
const stage1 = (100 * (await sandbox.score(sandbox.stage1Model()))).toFixed(1);
console.log(`stage 1: final loss ${sandbox.stage1Loss.toFixed(3)}, accuracy ${stage1} %`);
console.log("method         lr       final loss  accuracy");
for (const spec of specs) {
  const [method, lr] = spec.split("@");
  methodSpec(method);
  const r = await sandbox.finetune(method as MethodName, join(dir, `stage2-${method}-${lr}`), Number(lr));
  const accuracy = (100 * (await sandbox.score(r.model))).toFixed(1);
  console.log(
    `${method.padEnd(14)} ${lr.padEnd(8)} ${r.summary.finalLoss.toFixed(3).padStart(10)}  ${accuracy.padStart(6)} %`,
  );
}
