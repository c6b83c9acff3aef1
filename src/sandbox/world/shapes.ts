// The geometry of the world's shapes: which pixels a shape covers. A pixel belongs to a shape when its centre
// (x + 0.5, y + 0.5) lies inside the outline, so edges are clean and rendering is exact and reproducible.

export const SHAPES = ["square", "circle", "triangle", "diamond", "star", "cross"] as const;
export type Shape = (typeof SHAPES)[number];

/** Star: five points, inner radius this fraction of the outer one (fat enough to read at 64 px). */
const STAR_INNER = 0.5;

/** The star's ten vertices around (0, 0) for radius 1, first point straight up (y grows downwards). */
const STAR: Array<[number, number]> = Array.from({ length: 10 }, (_, k) => {
  const a = -Math.PI / 2 + (k * Math.PI) / 5;
  const r = k % 2 === 0 ? 1 : STAR_INNER;
  return [r * Math.cos(a), r * Math.sin(a)];
});

/** Even-odd point-in-polygon test. */
function inPolygon(poly: ReadonlyArray<[number, number]>, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether the offset (dx, dy) from a shape's centre lies inside the shape of half-size `r` (its bounding box
 * is the square of side 2r around the centre). */
export function insideShape(shape: Shape, dx: number, dy: number, r: number): boolean {
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  switch (shape) {
    case "square":
      return ax <= r && ay <= r;
    case "circle":
      return dx * dx + dy * dy <= r * r;
    case "triangle": {
      // Pointing up: apex at the top of the box, base along its bottom.
      const t = (dy + r) / (2 * r);
      return t >= 0 && t <= 1 && ax <= t * r;
    }
    case "diamond":
      return ax + ay <= r;
    case "cross":
      return (ax <= r / 3 && ay <= r) || (ay <= r / 3 && ax <= r);
    case "star":
      return ax <= r && ay <= r && inPolygon(STAR, dx / r, dy / r);
  }
}
