// Seeded mutations of valid inputs: byte-level (flips, interesting values, truncation, insertion, duplication)
// and, for JSON, structural ones (numbers made huge, negative or fractional, strings lengthened, keys
// dropped, values retyped), which reach the validation code that byte noise mostly stops at the parser.
import type { Rng } from "../../src/tensor/rng.ts";

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x7b, 0x5d, 0x2c, 0x30, 0x39];
const INTERESTING_NUMBERS = [0, -1, 1, 2 ** 31, 2 ** 53, 1e300, -1e300, 0.5, 1e-300, 4294967296, 65537];

export function mutateBytes(input: Uint8Array, rng: Rng): Uint8Array {
  const bytes = Uint8Array.from(input);
  const at = () => rng.int(Math.max(1, bytes.length));
  switch (rng.int(6)) {
    case 0: {
      for (let k = 1 + rng.int(8); k > 0; k--) bytes[at()] ^= 1 << rng.int(8);
      return bytes;
    }
    case 1: {
      for (let k = 1 + rng.int(4); k > 0; k--)
        bytes[at()] = INTERESTING_BYTES[rng.int(INTERESTING_BYTES.length)];
      return bytes;
    }
    case 2:
      return bytes.subarray(0, at());
    case 3: {
      const i = at();
      const noise = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      return Buffer.concat([bytes.subarray(0, i), noise, bytes.subarray(i)]);
    }
    case 4: {
      const i = at();
      const n = 1 + rng.int(Math.min(256, bytes.length - i));
      return Buffer.concat([bytes.subarray(0, i + n), bytes.subarray(i, i + n), bytes.subarray(i + n)]);
    }
    default: {
      // A little-endian u32/u64 field somewhere set to a huge value: length prefixes and offsets.
      const i = at();
      const view = Buffer.from(bytes);
      for (let k = 0; k < 8 && i + k < view.length; k++) view[i + k] = k < 4 + rng.int(5) ? 0xff : 0x7f;
      return view;
    }
  }
}

function mutateValue(value: unknown, rng: Rng): unknown {
  switch (rng.int(6)) {
    case 0:
      return INTERESTING_NUMBERS[rng.int(INTERESTING_NUMBERS.length)];
    case 1:
      return typeof value === "string" ? value.repeat(2 + rng.int(1000)) : String(value);
    case 2:
      return null;
    case 3:
      return [value];
    case 4:
      return typeof value === "number" ? -value : {};
    default:
      return typeof value === "number" ? value * (1 + rng.int(1000)) + 0.5 : true;
  }
}

/** Changes one value somewhere in a JSON document (or drops one key). */
export function mutateJson(doc: unknown, rng: Rng): unknown {
  const copy = structuredClone(doc);
  const paths: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        paths.push({ parent: node, key: i });
        walk(child);
      });
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        paths.push({ parent: node as Record<string, unknown>, key });
        walk(child);
      }
    }
  };
  walk(copy);
  if (paths.length === 0) return mutateValue(copy, rng);
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const { parent, key } = paths[rng.int(paths.length)];
    const record = parent as Record<string | number, unknown>;
    if (!Array.isArray(parent) && rng.int(5) === 0) delete record[key];
    else record[key] = mutateValue(record[key], rng);
  }
  return copy;
}

/** A mutated copy of a file's bytes: JSON documents get structural or byte mutations, others byte ones. */
export function mutateFile(bytes: Uint8Array, rng: Rng, json: "json" | "jsonl" | null): Uint8Array {
  if (json === null || rng.int(3) === 0) return mutateBytes(bytes, rng);
  const text = Buffer.from(bytes).toString("utf8");
  if (json === "json") return Buffer.from(JSON.stringify(mutateJson(JSON.parse(text), rng)));
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const i = rng.int(lines.length);
  lines[i] = JSON.stringify(mutateJson(JSON.parse(lines[i]), rng));
  return Buffer.from(`${lines.join("\n")}\n`);
}
