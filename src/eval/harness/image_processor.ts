// The CLIP preprocessing settings an evaluated model uses: the first preprocessor_config.json found among
// the given directories (LLaVA reads the vision tower's; llava-hf checkpoints carry one themselves), else
// CLIPImageProcessor's defaults at the tower's image size.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type CLIPImageProcessorConfig,
  loadClipImageProcessorConfig,
} from "../../io/config/clip_preprocessor_config.ts";

export function resolveImageProcessor(dirs: readonly string[], imageSize: number): CLIPImageProcessorConfig {
  const dir = dirs.find((d) => existsSync(join(d, "preprocessor_config.json")));
  // Without a directory holding the file, the loader falls back to the defaults.
  return loadClipImageProcessorConfig(dir ?? dirs.at(-1) ?? ".", imageSize);
}
