// Axis ticks: "nice" linear ticks (a step of 1, 2 or 5 times a power of ten near range / (count − 1); the
// first and last tick enclose the data and become the axis range) and one tick per decade on log axes.

export interface Ticks {
  /** The axis range: the first and last tick. */
  min: number;
  max: number;
  values: number[];
  /** Decimals that print every tick exactly (linear ticks); 0 on log axes, which print their own way. */
  decimals: number;
}

/** The nice number (1, 2, 5 or 10 × 10^k) closest to x. */
function niceNumber(x: number): number {
  const exponent = Math.floor(Math.log10(x));
  const fraction = x / 10 ** exponent;
  const nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return nice * 10 ** exponent;
}

/** About `count` ticks enclosing [lo, hi]; a single value v gets the range v ± |v|/2, and 0 gets [0, 1].
 * `integer` axes (steps, layers) never step by less than 1. */
export function linearTicks(lo: number, hi: number, count = 5, integer = false): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new Error(`bad axis range [${lo}, ${hi}]`);
  if (lo === hi) {
    const pad = Math.abs(lo) / 2;
    if (lo === 0) hi = 1;
    lo -= pad;
    hi += pad;
  }
  const step = integer
    ? Math.max(1, niceNumber((hi - lo) / (count - 1)))
    : niceNumber((hi - lo) / (count - 1));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  // Ticks as integer multiples of the step, printed and parsed back, so 0.30000000000000004 reads 0.3.
  const values = Array.from({ length: last - first + 1 }, (_, i) =>
    Number(((first + i) * step).toFixed(decimals)),
  );
  return { min: values[0], max: values.at(-1)!, values, decimals };
}

/** Powers of ten enclosing [lo, hi] (both > 0). */
export function logTicks(lo: number, hi: number): Ticks {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) throw new Error(`bad log axis range [${lo}, ${hi}]`);
  const first = Math.floor(Math.log10(lo) + 1e-9);
  let last = Math.ceil(Math.log10(hi) - 1e-9);
  if (last === first) last++;
  const values = Array.from({ length: last - first + 1 }, (_, i) => Number(`1e${first + i}`));
  return { min: values[0], max: values.at(-1)!, values, decimals: 0 };
}

/** A tick's label: fixed decimals on linear axes; decimal form from 1e-4 to 1e4 on log axes, else 1e±k. */
export function tickLabel(value: number, ticks: Ticks, log: boolean): string {
  if (!log) return value.toFixed(ticks.decimals);
  const k = Math.round(Math.log10(value));
  return k >= -4 && k <= 4 ? String(value) : `1e${k}`;
}
