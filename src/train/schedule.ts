// Learning-rate schedule of HF's get_cosine_schedule_with_warmup: linear warmup over
// ceil(warmupRatio × total) steps (the first update uses lr 0 when there is warmup), then a half cosine to 0.
export function warmupSteps(totalSteps: number, warmupRatio: number): number {
  return Math.ceil(warmupRatio * totalSteps);
}

/** Multiplier of the base lr for the update made after `step` completed updates. */
export function cosineWithWarmup(step: number, totalSteps: number, warmup: number): number {
  if (step < warmup) return step / Math.max(1, warmup);
  const progress = (step - warmup) / Math.max(1, totalSteps - warmup);
  return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
}
