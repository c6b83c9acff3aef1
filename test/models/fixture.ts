// Access to the PyTorch parity fixtures under test/fixtures/models (see its README).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openSafetensors } from "../../src/io/safetensors.ts";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "models");

export interface Fixture {
  dir: string;
  // biome-ignore lint/suspicious/noExplicitAny: fixture JSON is read as it was written
  inputs: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: fixture JSON is read as it was written
  expected: Record<string, any>;
  tensor(name: string): { shape: number[]; data: Float32Array };
  has(name: string): boolean;
}

export function fixture(name: string): Fixture {
  const dir = join(FIXTURES, name);
  const st = openSafetensors(join(dir, "expected.safetensors"));
  const cache = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const n of st.names()) {
    const t = st.read(n);
    cache.set(n, { shape: t.shape, data: t.data as Float32Array });
  }
  st.close();
  return {
    dir,
    inputs: JSON.parse(readFileSync(join(dir, "inputs.json"), "utf8")),
    expected: JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")),
    tensor(n) {
      const t = cache.get(n);
      if (!t) throw new Error(`${name}: fixture has no tensor ${n}`);
      return t;
    },
    has: (n) => cache.has(n),
  };
}

export const flatI32 = (rows: number[][]) => Int32Array.from(rows.flat());
export const flatU8 = (rows: number[][]) => Uint8Array.from(rows.flat());

/** The fixture's training batch (ids, mask, labels; plus pixel values for LLaVA cases) as model inputs. */
export function fixtureBatch(f: Fixture) {
  const ids: number[][] = f.inputs.input_ids;
  return {
    inputIds: flatI32(ids),
    batch: ids.length,
    seqLen: ids[0].length,
    attentionMask: flatU8(f.inputs.attention_mask),
    labels: flatI32(f.inputs.labels),
    ...(f.has("inputs.pixel_values") ? { pixelValues: f.tensor("inputs.pixel_values").data } : {}),
  };
}
