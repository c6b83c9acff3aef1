// Reading metric inputs: JSON and JSON-lines files, with errors that name the file and the problem.
import { parseJson, readTextFile } from "../io/text.ts";

export function readJson(path: string): unknown {
  return parseJson(readTextFile(path), path);
}

/** One JSON value per non-empty line (POPE question files are JSON lines despite ".json"). */
export function readJsonLines(path: string): unknown[] {
  const values: unknown[] = [];
  readTextFile(path)
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() !== "") values.push(parseJson(line, path, i + 1));
    });
  return values;
}

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The array under `key` of a top-level object (or the value itself when key is undefined). */
export function arrayField(path: string, value: unknown, key?: string): unknown[] {
  const target = key === undefined ? value : isRecord(value) ? value[key] : undefined;
  if (!Array.isArray(target)) {
    throw new Error(
      `${path}: expected ${key === undefined ? "a JSON array" : `an object with an array "${key}"`}`,
    );
  }
  return target;
}

/** Field accessors for entry `where` (e.g. "entry 3") of a file; missing or mistyped fields throw. */
export function fields(path: string, where: string, value: unknown) {
  if (!isRecord(value)) throw new Error(`${path}: ${where} is not an object`);
  const fail = (key: string, what: string): never => {
    throw new Error(`${path}: ${where}: field "${key}" is missing or not ${what}`);
  };
  return {
    string(key: string): string {
      const v = value[key];
      return typeof v === "string" ? v : fail(key, "a string");
    },
    id(key: string): number | string {
      const v = value[key];
      return (typeof v === "number" && Number.isFinite(v)) || typeof v === "string" ? v : fail(key, "an id");
    },
    array(key: string): unknown[] {
      const v = value[key];
      return Array.isArray(v) ? v : fail(key, "an array");
    },
    has(key: string): boolean {
      return value[key] !== undefined;
    },
  };
}
