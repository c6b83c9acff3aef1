// A plain HTML table from cells, and the choice of which cells of a column are the best (set in bold).
import { escapeHtml } from "./format.ts";

export interface Cell {
  text: string;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  bold?: boolean;
}

export const cell = (text: string, num = true, bold = false): Cell => ({ text, num, bold });

function td(c: Cell, tag: "td" | "th"): string {
  const body = c.bold ? `<strong>${escapeHtml(c.text)}</strong>` : escapeHtml(c.text);
  return `<${tag}${c.num ? ' class="num"' : ""}>${body}</${tag}>`;
}

/** Head cells are numeric (right-aligned) except the first, like the columns under them. */
export function htmlTable(
  head: readonly string[],
  rows: readonly (readonly Cell[])[],
  caption?: string,
): string {
  const th = head.map((h, i) => td(cell(h, i > 0), "th")).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => td(c, "td")).join("")}</tr>`).join("");
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : "";
  return `<table>${cap}<thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Indices of the best finite values of a column, compared as printed (so equal-looking values are both
 * bold); none when the column has fewer than two values to compare. */
export function best(
  values: ReadonlyArray<number | null | undefined>,
  decimals: number,
  lowest = false,
): Set<number> {
  const shown = values.map((v) =>
    typeof v === "number" && Number.isFinite(v) ? Number(v.toFixed(decimals)) : null,
  );
  const finite = shown.filter((v): v is number => v !== null);
  if (finite.length < 2) return new Set();
  const target = lowest ? Math.min(...finite) : Math.max(...finite);
  return new Set(shown.flatMap((v, i) => (v === target ? [i] : [])));
}
