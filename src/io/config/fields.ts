// Typed access to the fields of a parsed config.json. Every problem becomes a ConfigError naming the
// file and the field (with its path inside nested configs, e.g. "text_config.hidden_size"). As in
// transformers, a field that is absent or null takes its default; unknown fields are ignored.

import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export class ConfigError extends Error {
  readonly file: string;
  readonly field: string | null;

  constructor(file: string, field: string | null, detail: string) {
    super(field === null ? `${file}: ${detail}` : `${file}: field "${field}": ${detail}`);
    this.name = "ConfigError";
    this.file = file;
    this.field = field;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `path` is a model directory (then `fileName` inside it is meant) or the file itself. */
export function resolveConfigFile(path: string, fileName = "config.json"): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, fileName) : path;
}

export function readJsonObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(path, null, `cannot read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(path, null, `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) throw new ConfigError(path, null, "not a JSON object");
  return json;
}

export const MAX_DIMENSION = 2 ** 24;
/** The deepest published transformers have ~130 layers. */
export const MAX_LAYERS = 1024;

export class Fields {
  constructor(
    readonly file: string,
    readonly obj: Record<string, unknown>,
    /** Path of this object inside the file, e.g. "text_config." ("" at the top). */
    readonly prefix = "",
  ) {}

  fail(name: string, detail: string): ConfigError {
    return new ConfigError(this.file, this.prefix + name, detail);
  }

  /** Whether the field is present and not null. */
  has(name: string): boolean {
    return this.obj[name] !== undefined && this.obj[name] !== null;
  }

  private get(name: string): unknown {
    return this.has(name) ? this.obj[name] : undefined;
  }

  private typeError(name: string, want: string): ConfigError {
    return this.fail(name, `expected ${want}, got ${JSON.stringify(this.obj[name])}`);
  }

  optNum(name: string): number | null {
    const v = this.get(name);
    if (v === undefined) return null;
    if (typeof v !== "number" || !Number.isFinite(v)) throw this.typeError(name, "a number");
    return v;
  }

  num(name: string, def: number): number {
    return this.optNum(name) ?? def;
  }

  optInt(name: string): number | null {
    const v = this.get(name);
    if (v === undefined) return null;
    if (typeof v !== "number" || !Number.isSafeInteger(v)) throw this.typeError(name, "an integer");
    return v;
  }

  int(name: string, def: number): number {
    return this.optInt(name) ?? def;
  }

  /** A strictly positive integer, at most `max`: sizes and counts bound what a model allocates, so a typo
   * or a hostile file fails here rather than as an allocation of its size. No real dimension exceeds 2^24
   * (the largest vocabularies hold ~256k tokens). */
  posInt(name: string, def: number, max = MAX_DIMENSION): number {
    const v = this.int(name, def);
    if (v <= 0) throw this.fail(name, `must be positive, got ${v}`);
    if (v > max) throw this.fail(name, `${v} exceeds ${max}`);
    return v;
  }

  optStr(name: string): string | null {
    const v = this.get(name);
    if (v === undefined) return null;
    if (typeof v !== "string") throw this.typeError(name, "a string");
    return v;
  }

  str(name: string, def: string): string {
    return this.optStr(name) ?? def;
  }

  /** A string from a fixed set. */
  oneOf<const T extends string>(name: string, allowed: readonly T[], def: T): T {
    const v = this.str(name, def);
    if (!(allowed as readonly string[]).includes(v)) {
      throw this.fail(name, `unsupported value "${v}" (expected one of ${allowed.join(", ")})`);
    }
    return v as T;
  }

  bool(name: string, def: boolean): boolean {
    const v = this.get(name);
    if (v === undefined) return def;
    if (typeof v !== "boolean") throw this.typeError(name, "true or false");
    return v;
  }

  optNumList(name: string): number[] | null {
    const v = this.get(name);
    if (v === undefined) return null;
    if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw this.typeError(name, "a list of numbers");
    }
    return v as number[];
  }

  /** A nested object as Fields, or null when absent. */
  optObject(name: string): Fields | null {
    const v = this.get(name);
    if (v === undefined) return null;
    if (!isObject(v)) throw this.typeError(name, "an object");
    return new Fields(this.file, v, `${this.prefix}${name}.`);
  }
}
