// The demo's resumable parts. A part is a unit of work with its own directory, identified by a key: the hash
// of everything its result depends on (its settings and the keys of the parts it builds on). When it finishes,
// its result is written atomically to result.json with that key; a later run with the same key reads it back
// instead of recomputing. A part interrupted before it finished runs again in the same directory, so work
// that resumes by itself (training checkpoints, evaluation predictions) continues. A directory left by a
// part with another key (changed settings) is cleared first.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write.ts";

export interface PartResult<T> {
  key: string;
  value: T;
}

export interface PartLog {
  /** Parts computed and reused so far in this run. */
  computed: string[];
  reused: string[];
}

const PART_FILE = "part.json";
const RESULT_FILE = "result.json";

export function partKey(settings: unknown): string {
  return createHash("sha256").update(JSON.stringify(settings)).digest("hex").slice(0, 16);
}

function readKeyed<T>(path: string): { key: string; value?: T } | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`${path}: unreadable (${(e as Error).message}); delete it to redo this part`);
  }
}

/** The part's result: read back when it finished with the same key, else computed by `run(dir)`. */
export async function part<T>(
  dir: string,
  settings: unknown,
  run: (dir: string) => Promise<T>,
  log: PartLog,
): Promise<PartResult<T>> {
  const key = partKey(settings);
  const done = readKeyed<T>(join(dir, RESULT_FILE));
  if (done?.key === key && "value" in done) {
    log.reused.push(dir);
    return { key, value: done.value as T };
  }
  const started = readKeyed(join(dir, PART_FILE));
  if (done || (started && started.key !== key)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, PART_FILE), `${JSON.stringify({ key, settings }, null, 2)}\n`);
  const value = await run(dir);
  writeFileAtomic(join(dir, RESULT_FILE), `${JSON.stringify({ key, value }, null, 2)}\n`);
  log.computed.push(dir);
  return { key, value };
}
