// The parts every chart shares: coordinates, scales, axes with ticks and labels, the legend and the <svg>
// wrapper with its data-chart name and <title>. Geometry is in the viewBox's units; the page scales it.
import { escapeHtml } from "./format.ts";
import { linearTicks, logTicks, type Ticks, tickLabel } from "./ticks.ts";

export const WIDTH = 720;

/** A coordinate with at most one decimal, "-0" printed as "0", so output is short and stable. */
export const px = (v: number) => String(Math.round(v * 10) / 10);

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Axis {
  ticks: Ticks;
  log: boolean;
  /** Value → pixel. */
  at: (v: number) => number;
}

export interface AxisOptions {
  log?: boolean;
  /** About how many ticks (linear axes). */
  count?: number;
  /** Span exactly the data, with the ticks that fall inside it (linear x axes such as steps). */
  tight?: boolean;
  /** Ticks at whole numbers only. */
  integer?: boolean;
}

/** An axis over the data range [lo, hi], extended to its outer ticks unless tight, mapped onto pixels
 * [from, to]. */
export function makeAxis(lo: number, hi: number, from: number, to: number, o: AxisOptions = {}): Axis {
  const log = o.log ?? false;
  let ticks = log ? logTicks(lo, hi) : linearTicks(lo, hi, o.count, o.integer);
  if (o.tight && !log && hi > lo) {
    const inside = ticks.values.filter((v) => v >= lo - 1e-9 * (hi - lo) && v <= hi + 1e-9 * (hi - lo));
    ticks = { ...ticks, min: lo, max: hi, values: inside };
  }
  const f = log ? Math.log10 : (v: number) => v;
  const a = f(ticks.min);
  const span = f(ticks.max) - a;
  return { ticks, log, at: (v) => from + ((f(v) - a) / span) * (to - from) };
}

/** Horizontal grid lines with tick labels on the left and the axis label turned along the axis. */
export function yAxis(axis: Axis, plot: Rect, label: string, labelX: number): string {
  const lines = axis.ticks.values.map((v) => {
    const y = px(axis.at(v));
    return `<line class="grid" x1="${px(plot.x)}" x2="${px(plot.x + plot.w)}" y1="${y}" y2="${y}"/><text class="tick" x="${px(plot.x - 5)}" y="${y}" dy="0.32em" text-anchor="end">${escapeHtml(tickLabel(v, axis.ticks, axis.log))}</text>`;
  });
  const mid = px(plot.y + plot.h / 2);
  return `<g class="y-axis">${lines.join("")}<line class="axis" x1="${px(plot.x)}" x2="${px(plot.x)}" y1="${px(plot.y)}" y2="${px(plot.y + plot.h)}"/><text class="axis-label" transform="translate(${px(labelX)},${mid}) rotate(-90)" text-anchor="middle">${escapeHtml(label)}</text></g>`;
}

/** The baseline with tick marks, tick labels below it and the axis label under them. */
export function xAxis(axis: Axis, plot: Rect, label: string): string {
  const bottom = plot.y + plot.h;
  const ticks = axis.ticks.values.map((v) => {
    const x = px(axis.at(v));
    return `<line class="axis" x1="${x}" x2="${x}" y1="${px(bottom)}" y2="${px(bottom + 4)}"/><text class="tick" x="${x}" y="${px(bottom + 16)}" text-anchor="middle">${escapeHtml(tickLabel(v, axis.ticks, axis.log))}</text>`;
  });
  return `<g class="x-axis"><line class="axis" x1="${px(plot.x)}" x2="${px(plot.x + plot.w)}" y1="${px(bottom)}" y2="${px(bottom)}"/>${ticks.join("")}<text class="axis-label" x="${px(plot.x + plot.w / 2)}" y="${px(bottom + 34)}" text-anchor="middle">${escapeHtml(label)}</text></g>`;
}

export interface LegendItem {
  label: string;
  color: string;
  dash?: string;
  /** A line sample (line charts) or a filled square (bars, points). */
  swatch: "line" | "box";
}

const ROW = 18;
/** Width of a legend character at the legend's 12 px font (a generous average, so items never overlap). */
const CHAR = 7;

/** Items left to right, wrapping onto new rows; returns the markup and its height. */
export function legend(
  items: readonly LegendItem[],
  x0: number,
  y0: number,
  width: number,
): { svg: string; height: number } {
  let x = x0;
  let y = y0;
  const parts = items.map((item) => {
    const w = 28 + item.label.length * CHAR + 18;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += ROW;
    }
    const mid = y + ROW / 2;
    const swatch =
      item.swatch === "line"
        ? `<line x1="${px(x)}" x2="${px(x + 22)}" y1="${px(mid)}" y2="${px(mid)}" stroke="${item.color}" stroke-width="2.5"${item.dash ? ` stroke-dasharray="${item.dash}"` : ""}/>`
        : `<rect x="${px(x + 5)}" y="${px(mid - 6)}" width="12" height="12" fill="${item.color}"/>`;
    const text = `<text class="legend" x="${px(x + 28)}" y="${px(mid)}" dy="0.32em">${escapeHtml(item.label)}</text>`;
    x += w;
    return swatch + text;
  });
  return { svg: `<g class="legend">${parts.join("")}</g>`, height: y - y0 + ROW };
}

/** The <svg> element: its name for tests and scripts, an accessible title shown as the chart's heading. */
export function svgChart(name: string, title: string, height: number, body: string): string {
  const id = `chart-${escapeHtml(name)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" data-chart="${escapeHtml(name)}" viewBox="0 0 ${WIDTH} ${px(height)}" role="img" aria-labelledby="${id}"><title id="${id}">${escapeHtml(title)}</title><text class="chart-title" x="8" y="18">${escapeHtml(title)}</text>${body}</svg>`;
}
