// Text for the report: HTML escaping and the few number formats it prints, locale-independent so that the
// same results always give the same bytes.

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML (and inline SVG) content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const DASH = "–";

/** Fixed decimals; "–" for a missing or non-finite value (JSON turns NaN into null). */
export function fixed(value: number | null | undefined, decimals: number): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(decimals) : DASH;
}

/** An integer with comma grouping: 4100416 → "4,100,416". */
export function integer(value: number | null | undefined): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return DASH;
  const digits = Math.round(Math.abs(value))
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return value < 0 ? `-${digits}` : digits;
}

/** A percentage with enough decimals to show small shares (0.006 %) as well as large ones (95.24 %). */
export function percent(value: number | null | undefined): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return DASH;
  return value !== 0 && Math.abs(value) < 0.1 ? value.toFixed(4) : value.toFixed(2);
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number | null | undefined): string {
  return typeof bytes === "number" ? fixed(bytes / 2 ** 20, 1) : DASH;
}

/** A learning rate as `2e-2`, `5e-4`, `1.5e-3`. */
export function rate(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  const [mantissa, exponent] = value.toExponential().split("e");
  return `${Number(Number(mantissa).toFixed(3))}e${Number(exponent)}`;
}

/** Seconds as "4.2 s", "42 s", "3 min 05 s" or "1 h 10 min". */
export function duration(seconds: number | null | undefined): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return DASH;
  if (seconds < 59.5) return `${seconds < 9.95 ? seconds.toFixed(1) : seconds.toFixed(0)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
