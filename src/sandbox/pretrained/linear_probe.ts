// Linear probe of a frozen vision tower: how well a linear classifier on the features LLaVA's connector reads
// (the second-to-last layer's patch tokens) recovers the scene attributes on held-out scenes. A region's
// shape, colour and size are read from its region features and scored on the regions that hold an object;
// whether a region holds one, the object count and the background from the mean of all patch tokens.
import type { CLIPImageProcessorConfig } from "../../io/config/clip_preprocessor_config.ts";
import type { CLIPVisionModel } from "../../models/clip/vision_model.ts";
import { constParam } from "../../nn/init.ts";
import { Parameter } from "../../nn/module.ts";
import { backward, noGrad } from "../../tensor/autograd.ts";
import { crossEntropy } from "../../tensor/ops/loss.ts";
import { linear } from "../../tensor/ops/matmul.ts";
import { Rng } from "../../tensor/rng.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { AdamW } from "../../train/adamw.ts";
import { BACKGROUNDS, COLORS, MAX_OBJECTS, POSITIONS, SHAPES, SIZES } from "../world/scene.ts";
import { regionFeatures, regionPoolMatrix } from "./region_features.ts";
import { type SceneBatch, sceneBatch } from "./scene_batch.ts";

export const PROBED = ["count", "background", "occupied", "shape", "color", "size"] as const;
export type ProbeAccuracy = Record<(typeof PROBED)[number], number>;

/** Rows of features with their class labels. */
interface Task {
  x: Float32Array;
  dim: number;
  y: Int32Array;
  classes: number;
}

/** Region features [N·regions, D] and mean patch features [N, D] of the tower's connector layer. */
function features(tower: CLIPVisionModel, b: SceneBatch): { regions: Float32Array; mean: Float32Array } {
  const vm = tower.vision_model;
  const c = vm.config;
  const grid = c.image_size / c.patch_size;
  return noGrad(() => {
    const hidden = vm.hiddenStates(b.pixels, b.n, c.num_hidden_layers - 1).at(-1)!;
    const regions = regionFeatures(hidden, regionPoolMatrix(grid)).readF32();
    const all = new Tensor(new Float32Array(grid * grid).fill(1 / (grid * grid)), [1, grid * grid]);
    const mean = regionFeatures(hidden, all).readF32();
    return { regions, mean };
  });
}

function tasks(tower: CLIPVisionModel, b: SceneBatch): Record<keyof ProbeAccuracy, Task> {
  const { regions, mean } = features(tower, b);
  const D = tower.vision_model.config.hidden_size;
  const R = POSITIONS.length;
  const perScene = (y: number[], classes: number): Task => ({
    x: mean,
    dim: D,
    y: Int32Array.from(y),
    classes,
  });
  // Occupied regions only: their rows and the attribute's class.
  const perObject = (pick: (a: SceneBatch["attributes"][number]) => number[], classes: number): Task => {
    const rows: number[] = [];
    const y: number[] = [];
    b.attributes.forEach((a, i) => {
      pick(a).forEach((v, r) => {
        if (v >= 0) {
          rows.push(i * R + r);
          y.push(v);
        }
      });
    });
    const x = new Float32Array(rows.length * D);
    rows.forEach((row, k) => {
      x.set(regions.subarray(row * D, (row + 1) * D), k * D);
    });
    return { x, dim: D, y: Int32Array.from(y), classes };
  };
  return {
    count: perScene(
      b.attributes.map((a) => a.count - 1),
      MAX_OBJECTS,
    ),
    background: perScene(
      b.attributes.map((a) => a.background),
      BACKGROUNDS.length,
    ),
    occupied: {
      x: regions,
      dim: D,
      y: Int32Array.from(b.attributes.flatMap((a) => a.shape.map((v) => (v >= 0 ? 1 : 0)))),
      classes: 2,
    },
    shape: perObject((a) => a.shape, SHAPES.length),
    color: perObject((a) => a.color, COLORS.length),
    size: perObject((a) => a.size, SIZES.length),
  };
}

/** Per-feature mean and standard deviation of the training rows (so one learning rate suits every tower). */
function standardizer(t: Task): (x: Float32Array) => Float32Array {
  const n = t.y.length;
  const mu = new Float64Array(t.dim);
  const sq = new Float64Array(t.dim);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < t.dim; d++) {
      const v = t.x[i * t.dim + d];
      mu[d] += v / n;
      sq[d] += (v * v) / n;
    }
  const sd = mu.map((m, d) => Math.sqrt(Math.max(sq[d] - m * m, 0)) + 1e-6);
  return (x) => x.map((v, k) => (v - mu[k % t.dim]) / sd[k % t.dim]);
}

/** Multinomial logistic regression (full batch, AdamW, light weight decay); returns test accuracy. */
function fitAndScore(train: Task, test: Task, seed: number, steps = 300): number {
  const norm = standardizer(train);
  const xTrain = new Tensor(norm(train.x), [train.y.length, train.dim]);
  const xTest = new Tensor(norm(test.x), [test.y.length, test.dim]);
  const rng = new Rng(seed);
  const w = new Parameter(rng.fillNormal(new Float32Array(train.classes * train.dim), 0, 0.01), [
    train.classes,
    train.dim,
  ]);
  const b = constParam([train.classes], 0);
  const opt = new AdamW(
    [
      ["weight", w],
      ["bias", b],
    ],
    { lr: 0.05, weightDecay: 1e-3 },
  );
  for (let s = 0; s < steps; s++) {
    backward(crossEntropy(linear(xTrain, w, b), train.y));
    opt.update(0.05);
    opt.zeroGrad();
  }
  const logits = noGrad(() => linear(xTest, w, b)).readF32();
  let correct = 0;
  for (let i = 0; i < test.y.length; i++) {
    const row = logits.subarray(i * test.classes, (i + 1) * test.classes);
    if (row.indexOf(Math.max(...row)) === test.y[i]) correct++;
  }
  return correct / test.y.length;
}

export interface ProbeOptions {
  processor: CLIPImageProcessorConfig;
  sceneSizes: readonly number[];
  trainScenes: number;
  testScenes: number;
  seed: number;
}

/** Probe accuracies on `testScenes` held-out scenes after fitting on `trainScenes` others. */
export function linearProbe(tower: CLIPVisionModel, o: ProbeOptions): ProbeAccuracy {
  const rng = new Rng(o.seed);
  const trainTasks = tasks(tower, sceneBatch(rng, o.trainScenes, o.sceneSizes, o.processor));
  const testTasks = tasks(tower, sceneBatch(rng, o.testScenes, o.sceneSizes, o.processor));
  const out = {} as ProbeAccuracy;
  for (const k of PROBED) out[k] = fitAndScore(trainTasks[k], testTasks[k], o.seed);
  return out;
}
