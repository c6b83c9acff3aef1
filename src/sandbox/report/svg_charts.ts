// The report's three kinds of chart as pure functions of their data: lines (optionally log x or y), bars
// in small multiples (one panel per benchmark, each with its own y axis, since the benchmarks' scales differ)
// and labelled points. A chart with nothing to draw is null, so the report leaves it out.
import { escapeHtml, fixed } from "./format.ts";
import type { SeriesStyle } from "./series_style.ts";
import { type Axis, legend, makeAxis, px, type Rect, svgChart, WIDTH, xAxis, yAxis } from "./svg_frame.ts";

const LEFT = 66;
const RIGHT = 20;
const LEGEND_TOP = 28;
const PLOT_HEIGHT = 230;
const BELOW_PLOT = 48;
/** Lines with at most this many points also get a marker at each point. */
const MARKED = 40;

/** Finite points, and positive ones on a log axis; the others are counted and said in a note. */
function drawable(points: ReadonlyArray<readonly [number, number]>, logX: boolean, logY: boolean) {
  const ok = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);
  const kept = points.filter(([x, y]) => ok(x, logX) && ok(y, logY));
  return { kept, dropped: points.length - kept.length };
}

/** Smallest and largest value, by a loop: spreading a long loss curve into Math.min overflows the stack. */
function range(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function note(dropped: number, logX: boolean, logY: boolean, y: number): string {
  if (dropped === 0) return "";
  const why = logX || logY ? "non-finite or ≤ 0 on a log axis" : "non-finite";
  return `<text class="note" x="${WIDTH - RIGHT}" y="${px(y)}" text-anchor="end">${dropped} point${dropped === 1 ? "" : "s"} not shown (${why})</text>`;
}

/** Legend, then a plot rectangle below it; returns both and the chart's total height. */
function layout(items: Parameters<typeof legend>[0]): { legendSvg: string; plot: Rect; height: number } {
  const lg = legend(items, LEFT, LEGEND_TOP, WIDTH - LEFT - RIGHT);
  const plot = { x: LEFT, y: LEGEND_TOP + lg.height + 10, w: WIDTH - LEFT - RIGHT, h: PLOT_HEIGHT };
  return { legendSvg: lg.svg, plot, height: plot.y + plot.h + BELOW_PLOT + 8 };
}

export interface LineSeries {
  style: SeriesStyle;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChart {
  name: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  logX?: boolean;
  logY?: boolean;
}

export function lineChart(c: LineChart): string | null {
  const logX = c.logX ?? false;
  const logY = c.logY ?? false;
  let dropped = 0;
  const series = c.series
    .map((s) => {
      const d = drawable(s.points, logX, logY);
      dropped += d.dropped;
      return { style: s.style, points: d.kept };
    })
    .filter((s) => s.points.length > 0);
  if (series.length === 0) return null;
  const { legendSvg, plot, height } = layout(series.map((s) => ({ ...s.style, swatch: "line" as const })));
  const [x0, x1] = range(series.flatMap((s) => s.points.map((p) => p[0])));
  const [y0, y1] = range(series.flatMap((s) => s.points.map((p) => p[1])));
  const integer = series.every((s) => s.points.every(([x]) => Number.isInteger(x)));
  const xa = makeAxis(x0, x1, plot.x, plot.x + plot.w, { log: logX, count: 7, tight: true, integer });
  const ya = makeAxis(y0, y1, plot.y + plot.h, plot.y, { log: logY });
  const lines = series.map(({ style, points }) => {
    const d = points.map(([x, y], i) => `${i ? "L" : "M"}${px(xa.at(x))},${px(ya.at(y))}`).join("");
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : "";
    const markers =
      points.length <= MARKED
        ? points
            .map(
              ([x, y]) => `<circle cx="${px(xa.at(x))}" cy="${px(ya.at(y))}" r="3" fill="${style.color}"/>`,
            )
            .join("")
        : "";
    return `<g class="series"><title>${escapeHtml(style.label)}</title><path class="line" d="${d}" stroke="${style.color}"${dash}/>${markers}</g>`;
  });
  const body =
    legendSvg +
    yAxis(ya, plot, c.yLabel, 16) +
    xAxis(xa, plot, c.xLabel) +
    lines.join("") +
    note(dropped, logX, logY, height - 6);
  return svgChart(c.name, c.title, height, body);
}

export interface BarPanel {
  title: string;
  yLabel: string;
  /** One value per series of the chart; null draws no bar. */
  values: ReadonlyArray<number | null>;
}

export interface BarChart {
  name: string;
  title: string;
  series: readonly SeriesStyle[];
  panels: readonly BarPanel[];
  /** Decimals of the values in the bars' tooltips. */
  decimals?: number;
}

const PANEL_COLUMNS = 3;
const PANEL_LEFT = 50;
const PANEL_PLOT = 130;

export function barChart(c: BarChart): string | null {
  const finite = (v: number | null): v is number => typeof v === "number" && Number.isFinite(v);
  const panels = c.panels.filter((p) => p.values.some(finite));
  if (panels.length === 0 || c.series.length === 0) return null;
  const lg = legend(
    c.series.map((s) => ({ ...s, swatch: "box" as const })),
    PANEL_LEFT,
    LEGEND_TOP,
    WIDTH - PANEL_LEFT - RIGHT,
  );
  const columns = Math.min(PANEL_COLUMNS, panels.length);
  const panelWidth = (WIDTH - 8) / columns;
  const panelHeight = 22 + PANEL_PLOT + 14;
  const top = LEGEND_TOP + lg.height + 8;
  const drawn = panels.map((p, i) => {
    const x = 8 + (i % columns) * panelWidth;
    const y = top + Math.floor(i / columns) * panelHeight;
    const plot = { x: x + PANEL_LEFT, y: y + 22, w: panelWidth - PANEL_LEFT - 14, h: PANEL_PLOT };
    const values = p.values.filter(finite);
    // Bars start at zero; four or so ticks suit the short panels.
    const axis: Axis = makeAxis(Math.min(0, ...values), Math.max(0, ...values), plot.y + plot.h, plot.y, {
      count: 4,
    });
    const slot = plot.w / c.series.length;
    const bars = p.values.map((v, k) => {
      if (!finite(v)) return "";
      const a = axis.at(Math.max(v, 0));
      const b = axis.at(Math.min(v, 0));
      const s = c.series[k];
      return `<rect class="bar" x="${px(plot.x + k * slot + slot * 0.12)}" y="${px(a)}" width="${px(slot * 0.76)}" height="${px(Math.max(b - a, 0.5))}" fill="${s.color}"><title>${escapeHtml(`${s.label}: ${fixed(v, c.decimals ?? 1)}`)}</title></rect>`;
    });
    const zero = px(axis.at(0));
    return `<g class="panel"><text class="panel-title" x="${px(plot.x + plot.w / 2)}" y="${px(y + 12)}" text-anchor="middle">${escapeHtml(p.title)}</text>${yAxis(axis, plot, p.yLabel, x + 12)}${bars.join("")}<line class="axis" x1="${px(plot.x)}" x2="${px(plot.x + plot.w)}" y1="${zero}" y2="${zero}"/></g>`;
  });
  const height = top + Math.ceil(panels.length / columns) * panelHeight + 6;
  return svgChart(c.name, c.title, height, lg.svg + drawn.join(""));
}

export interface ScatterPoint {
  style: SeriesStyle;
  x: number;
  y: number;
}

export interface ScatterChart {
  name: string;
  title: string;
  xLabel: string;
  yLabel: string;
  points: readonly ScatterPoint[];
  logX?: boolean;
}

export function scatterChart(c: ScatterChart): string | null {
  const logX = c.logX ?? false;
  const kept = c.points.filter((p) => drawable([[p.x, p.y]], logX, false).kept.length === 1);
  if (kept.length === 0) return null;
  const { legendSvg, plot, height } = layout(kept.map((p) => ({ ...p.style, swatch: "box" as const })));
  const [x0, x1] = range(kept.map((p) => p.x));
  const [y0, y1] = range(kept.map((p) => p.y));
  const xa = makeAxis(x0, x1, plot.x, plot.x + plot.w, { log: logX, count: 7 });
  const ya = makeAxis(y0, y1, plot.y + plot.h, plot.y);
  const placed = placeLabels(
    kept.map((p) => ({ cx: xa.at(p.x), cy: ya.at(p.y) })),
    plot,
  );
  const dots = kept.map(({ style }, i) => {
    const { cx, cy, lx, ly, left } = placed[i];
    const leader =
      Math.abs(ly - cy) > 4
        ? `<line class="grid" x1="${px(cx)}" y1="${px(cy)}" x2="${px(lx)}" y2="${px(ly)}"/>`
        : "";
    return `<g class="point"><title>${escapeHtml(style.label)}</title>${leader}<circle cx="${px(cx)}" cy="${px(cy)}" r="5.5" fill="${style.color}" stroke="#fff" stroke-width="1"/><text class="point-label" x="${px(left ? lx - 9 : lx + 9)}" y="${px(ly)}" dy="0.32em" text-anchor="${left ? "end" : "start"}">${escapeHtml(style.label)}</text></g>`;
  });
  const body =
    legendSvg +
    yAxis(ya, plot, c.yLabel, 16) +
    xAxis(xa, plot, c.xLabel) +
    dots.join("") +
    note(c.points.length - kept.length, logX, false, height - 6);
  return svgChart(c.name, c.title, height, body);
}

const LABEL_GAP = 14;
const NEAR_X = 120;

/** Where each point's label goes: left of points in the plot's right third (so it stays inside), right of
 * the others, and pushed down, in order of height, until labels on the same side near each other are a
 * line apart. */
function placeLabels(points: { cx: number; cy: number }[], plot: Rect) {
  const placed = points.map((p) => ({ ...p, lx: p.cx, ly: p.cy, left: p.cx > plot.x + (plot.w * 2) / 3 }));
  const order = placed.map((_, i) => i).sort((a, b) => placed[a].cy - placed[b].cy || a - b);
  order.forEach((i, k) => {
    for (const j of order.slice(0, k)) {
      const a = placed[i];
      const b = placed[j];
      if (a.left === b.left && Math.abs(a.cx - b.cx) < NEAR_X && a.ly - b.ly < LABEL_GAP)
        a.ly = b.ly + LABEL_GAP;
    }
  });
  return placed;
}
