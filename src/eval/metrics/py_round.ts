// Python's round(x, digits) for the percentages the official tools print.
// Python rounds the exact binary value of x half-to-even; toFixed rounds the exact value too but
// breaks exact ties upwards, so ties (e.g. 0.125 -> 0.12) are detected from the full expansion.
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf(".");
  const tail = exact.slice(dot + 1 + digits);
  const isTie = tail[0] === "5" && /^50*$/.test(tail);
  if (!isTie) return Number(x.toFixed(digits));
  const kept = exact.slice(0, dot + 1 + digits).replace(".", "");
  const lastDigit = Number(kept[kept.length - 1]);
  const truncated = Number(exact.slice(0, dot + 1 + digits));
  const magnitude = lastDigit % 2 === 0 ? truncated : truncated + 10 ** -digits;
  return Math.sign(x) * Number(magnitude.toFixed(digits));
}
