// POPE yes/no parsing and metrics, following POPE's `evaluate.py` (also used by LLaVA).

/**
 * POPE's answer parsing: keep the text before the first ".", delete ",", split on single spaces;
 * the answer is "no" when a word is exactly "No", "no" or "not", otherwise "yes" (so "NO" and
 * "Nope" count as yes, as upstream).
 */
export function parsePopeAnswer(text: string): "yes" | "no" {
  const words = text.split(".")[0].replaceAll(",", "").split(" ");
  return words.some((w) => w === "No" || w === "no" || w === "not") ? "no" : "yes";
}

export interface PopePair {
  /** Ground-truth label; anything other than "no" is positive, as upstream. */
  label: string;
  answer: string;
}

export interface PopeMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  yesRatio: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  total: number;
}

/**
 * Metrics over matched (label, answer) pairs, "yes" being the positive class. Upstream divides by
 * zero (and crashes) when no answer, no positive prediction or no positive label exists; those
 * ratios are reported as 0 here instead.
 */
export function popeMetrics(pairs: readonly PopePair[]): PopeMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const { label, answer } of pairs) {
    const predYes = parsePopeAnswer(answer) === "yes";
    const labelYes = label !== "no";
    if (predYes && labelYes) tp++;
    else if (predYes) fp++;
    else if (labelYes) fn++;
    else tn++;
  }
  const total = pairs.length;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    accuracy: ratio(tp + tn, total),
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    yesRatio: ratio(tp + fp, total),
    tp,
    fp,
    tn,
    fn,
    total,
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
