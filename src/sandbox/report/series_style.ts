// How a method or data subset looks in every chart: one colour (the Okabe–Ito palette, distinguishable with
// the common colour-vision deficiencies) and one dash pattern, so lines differ by more than colour and a
// method looks the same in every chart. Display names are the paper's.
import { METHODS, type MethodName } from "../../tuning/methods.ts";

export interface SeriesStyle {
  label: string;
  color: string;
  /** stroke-dasharray of its lines; "" for solid. */
  dash: string;
}

const FIXED: Record<string, { color: string; dash: string }> = {
  stage1: { color: "#999999", dash: "2 3" },
  full: { color: "#0072B2", dash: "" },
  lora: { color: "#E69F00", dash: "7 3" },
  "attn-qv": { color: "#56B4E9", dash: "2 2" },
  "attn-mlp": { color: "#CC79A7", dash: "8 3 2 3" },
  ln: { color: "#D55E00", dash: "" },
  "ln-simp": { color: "#009E73", dash: "4 2" },
  connector: { color: "#444444", dash: "1 3" },
  "ln-connector": { color: "#882255", dash: "5 2 1 2" },
  conversation: { color: "#0072B2", dash: "" },
  detail: { color: "#E69F00", dash: "7 3" },
  complex_reasoning: { color: "#009E73", dash: "4 2" },
  all: { color: "#666666", dash: "2 3" },
};

/** For names outside the table, in order of first appearance in a chart (Paul Tol's "bright" set). */
const FALLBACK = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"];

const LABELS: Record<string, string> = {
  stage1: "Stage 1 only",
  connector: "Connector only",
  "ln-connector": "LayerNorm + connector",
  complex_reasoning: "complex reasoning",
};

export function seriesLabel(name: string): string {
  return LABELS[name] ?? METHODS[name as MethodName]?.paperName ?? name;
}

/** Styles for the names of one chart, in its order; unknown names take the fallback colours in turn. */
export function seriesStyles(names: readonly string[]): SeriesStyle[] {
  let next = 0;
  return names.map((name) => {
    const fixed = FIXED[name] ?? { color: FALLBACK[next++ % FALLBACK.length], dash: "" };
    return { label: seriesLabel(name), ...fixed };
  });
}
