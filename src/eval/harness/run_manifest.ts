// run.json: the settings that shape the answers. A resumed run must use the same ones, or its predictions
// file would mix answers of two configurations.
import { existsSync } from "node:fs";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { readJson } from "../read_input.ts";

export type RunSettings = Record<string, string | number | null>;

/** Writes the settings, or checks them against those of the run that started the output directory. */
export function checkRunSettings(path: string, settings: RunSettings, resuming: boolean): void {
  if (resuming && existsSync(path)) {
    const previous = readJson(path) as RunSettings;
    const changed = Object.keys({ ...previous, ...settings }).filter(
      (key) => JSON.stringify(previous[key] ?? null) !== JSON.stringify(settings[key] ?? null),
    );
    if (changed.length > 0) {
      throw new Error(
        `${path}: the predictions there were made with other settings (${changed
          .map(
            (k) => `${k}: ${JSON.stringify(previous[k] ?? null)} -> ${JSON.stringify(settings[k] ?? null)}`,
          )
          .join(", ")}); use another --output directory or delete it`,
      );
    }
  }
  writeFileAtomic(path, `${JSON.stringify(settings, null, 2)}\n`);
}
