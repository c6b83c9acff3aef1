// The sandbox's tiny visual world: one coloured shape on a grey background. Every image is a pure function
// of its (colour, shape, size, position), so the data set is reproducible from a seed.
import sharp from "sharp";

export const COLORS: Record<string, [number, number, number]> = {
  red: [220, 40, 40],
  green: [40, 180, 60],
  blue: [40, 80, 220],
  yellow: [235, 215, 40],
  purple: [150, 60, 190],
  orange: [240, 140, 30],
};

export const SHAPES = ["square", "circle", "triangle"] as const;
export type ShapeName = (typeof SHAPES)[number];

export interface Scene {
  color: string;
  shape: ShapeName;
  /** Half-size of the shape in pixels and its centre. */
  radius: number;
  cx: number;
  cy: number;
}

function inside(s: Scene, x: number, y: number): boolean {
  const dx = x + 0.5 - s.cx;
  const dy = y + 0.5 - s.cy;
  if (s.shape === "square") return Math.abs(dx) <= s.radius && Math.abs(dy) <= s.radius;
  if (s.shape === "circle") return dx * dx + dy * dy <= s.radius * s.radius;
  // Upward triangle: apex at the top, base at the bottom of the bounding box.
  const t = (dy + s.radius) / (2 * s.radius);
  return t >= 0 && t <= 1 && Math.abs(dx) <= t * s.radius;
}

/** RGB pixels (row-major, 3 bytes per pixel). */
export function render(s: Scene, size: number): Uint8Array {
  const px = new Uint8Array(size * size * 3).fill(128);
  const rgb = COLORS[s.color];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) if (inside(s, x, y)) px.set(rgb, (y * size + x) * 3);
  return px;
}

export async function writePng(path: string, s: Scene, size: number): Promise<void> {
  await sharp(Buffer.from(render(s, size)), { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toFile(path);
}
