// A hand-made results.json of a full `lntune demo --compare` run, with every section filled, for the report
// tests. Plausible values; none comes from a real run.
import type { BenchmarkScores, SandboxResults } from "../../../src/sandbox/report/results.ts";

const MIB = 2 ** 20;

const scores = (
  mme: number,
  vqa: number,
  coco: number,
  flickr: number,
  f1: number,
  acc: number,
): BenchmarkScores => ({
  mmePerception: mme,
  vqav2: vqa,
  cocoCider: coco,
  flickrCider: flickr,
  popeF1: f1,
  popeAccuracy: acc,
});

const memory = (weights: number, trainable: number, activations: number, rss: number) => ({
  weightBytes: weights * MIB,
  gradientBytes: 4 * trainable,
  optimizerBytes: 8 * trainable,
  peakActivationBytes: activations * MIB,
  peakRssBytes: rss * MIB,
});

const TOTAL = 4_305_216;
const trainable: Record<string, number> = {
  full: 4_191_104,
  lora: 4_248_128,
  "attn-qv": 4_112_448,
  "attn-mlp": 4_166_208,
  ln: 4_100_416,
  "ln-simp": 256,
};
const METHODS = Object.keys(trainable);

/** A decaying loss with a method-specific floor and a little deterministic wiggle. */
function loss(floor: number, rate: number) {
  return Array.from({ length: 120 }, (_, i) => ({
    step: i + 1,
    loss: floor + (6.2 - floor) * Math.exp(-rate * i) + 0.04 * Math.sin(i * 0.7),
  }));
}

export function sampleResults(): SandboxResults {
  return {
    title: "lntune demo --compare",
    settings: {
      seed: 0,
      threads: 2,
      trainImages: 2000,
      evalImages: 300,
      models: [
        {
          name: "LLaVA (LLM + tower + connector)",
          parameters: TOTAL,
          embeddingsAndHead: 4_096_000,
          blockNorms: 256,
        },
        { name: "LLM", parameters: 4_154_432, embeddingsAndHead: 4_096_000, blockNorms: 256 },
        { name: "vision tower", parameters: 146_624 },
      ],
    },
    visionProbe: [
      { attribute: "count", pretrained: 0.912, random: 0.48 },
      { attribute: "background", pretrained: 0.998, random: 0.87 },
      { attribute: "occupied", pretrained: 0.975, random: 0.71 },
      { attribute: "shape", pretrained: 0.874, random: 0.31 },
      { attribute: "color", pretrained: 0.956, random: 0.62 },
      { attribute: "size", pretrained: 0.903, random: 0.55 },
    ],
    lrSweep: {
      metric: "validation VQAv2 accuracy (%)",
      points: [
        ...[2e-5, 1e-4, 2e-4].map((lr, i) => ({ method: "full", lr, score: [38.1, 47.9, 44.2][i] })),
        ...[1e-4, 2e-4, 1e-3].map((lr, i) => ({ method: "lora", lr, score: [41.0, 46.3, 45.1][i] })),
        ...[2e-5, 1e-4].map((lr, i) => ({ method: "attn-qv", lr, score: [33.7, 42.8][i] })),
        ...[2e-5, 1e-4].map((lr, i) => ({ method: "attn-mlp", lr, score: [33.7, 44.0][i] })),
        ...[1e-3, 5e-3, 2e-2, 5e-2].map((lr, i) => ({
          method: "ln",
          lr,
          score: [44.9, 55.6, 62.3, 58.0][i],
        })),
        ...[1e-3, 5e-3, 2e-2, 5e-2].map((lr, i) => ({
          method: "ln-simp",
          lr,
          score: [33.7, 34.0, 35.2, 34.1][i],
        })),
      ],
      chosen: { full: 1e-4, lora: 2e-4, "attn-qv": 1e-4, "attn-mlp": 1e-4, ln: 2e-2, "ln-simp": 2e-2 },
    },
    table1: {
      mmePerceptionMax: 800,
      rows: [
        { method: "stage1", scores: scores(312.5, 33.7, 21.4, 18.9, 66.67, 50.0) },
        { method: "full", scores: scores(455.0, 47.9, 61.2, 52.3, 78.4, 76.2) },
        { method: "lora", scores: scores(430.2, 46.3, 58.8, 49.0, 80.1, 78.9) },
        { method: "attn-qv", scores: scores(401.7, 42.8, 49.5, 45.2, 74.5, 72.0) },
        { method: "attn-mlp", scores: scores(415.3, 44.0, 55.1, 47.7, 76.0, 74.3) },
        { method: "ln", scores: scores(512.9, 62.3, 70.4, 60.8, 84.6, 83.5) },
        { method: "ln-simp", scores: scores(330.0, 35.2, 24.0, 20.5, 68.2, 55.1) },
      ],
    },
    table2: METHODS.map((method, i) => ({
      method,
      trainable: trainable[method],
      total: TOTAL + (method === "lora" ? 147_456 : 0),
      memory: memory(
        16.4,
        trainable[method],
        [9.8, 8.1, 8.7, 9.1, 6.9, 6.2][i],
        [402, 371, 389, 395, 352, 301][i],
      ),
      secondsPerStep: [0.2, 0.27, 0.2, 0.2, 0.2, 0.108][i],
    })),
    lossCurves: METHODS.map((method, i) => ({
      method,
      points: loss([1.9, 1.7, 2.2, 2.0, 1.1, 2.8][i], [0.05, 0.04, 0.03, 0.035, 0.06, 0.02][i]),
    })),
    dataTypes: [
      {
        subset: "conversation",
        samples: 500,
        tokens: 61_200,
        scores: scores(498.0, 60.1, 66.0, 57.2, 83.9, 82.4),
      },
      { subset: "detail", samples: 500, tokens: 88_900, scores: scores(402.3, 41.8, 72.5, 63.0, 75.2, 73.3) },
      {
        subset: "complex_reasoning",
        samples: 500,
        tokens: 79_400,
        scores: scores(455.5, 52.6, 58.3, 51.1, 80.0, 78.8),
      },
      { subset: "all", samples: 500, tokens: 74_100, scores: scores(489.0, 58.4, 68.8, 59.9, 83.1, 81.6) },
    ],
    connectorAblation: [
      { method: "connector", scores: scores(340.4, 36.0, 30.2, 27.4, 70.3, 66.0) },
      { method: "ln-connector", scores: scores(505.1, 60.9, 69.0, 61.5, 84.0, 82.7) },
      { method: "ln", scores: scores(512.9, 62.3, 70.4, 60.8, 84.6, 83.5) },
    ],
    layerSimilarity: METHODS.map((method, i) => {
      const base = [0.82, 0.8, 0.815, 0.805, 0.71, 0.78][i];
      return {
        method,
        pooled: base,
        perToken: base - 0.12,
        perLayer: [base + 0.04, base - 0.02, base - 0.03, base + 0.01],
      };
    }),
    gradVariance: ["full", "ln"].map((method, i) => ({
      method,
      points: Array.from({ length: 7 }, (_, k) => ({
        step: 20 * k,
        variance: [4.2e-2, 3.1e-3][i] * Math.exp(-0.25 * k) + [2e-3, 1.5e-4][i],
      })),
    })),
    totalSeconds: 4242.5,
  };
}
