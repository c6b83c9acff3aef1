// Resolves a sample's image path inside the image folder. Absolute paths and paths that climb out of the folder
// (through "..") are always rejected: dataset files must not be able to read arbitrary files.
import { isAbsolute, relative, resolve, sep } from "node:path";

export function resolveImagePath(imageFolder: string, image: string): string | null {
  if (image === "" || isAbsolute(image) || image.includes("\0") || /^[a-zA-Z]:|^[\\/]/.test(image))
    return null;
  const root = resolve(imageFolder);
  const full = resolve(root, image);
  const rel = relative(root, full);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return full;
}
