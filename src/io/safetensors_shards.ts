// A checkpoint directory's weights written as transformers writes them: one model.safetensors, or, past the
// shard size, model-0000k-of-0000n.safetensors with model.safetensors.index.json mapping each tensor to its
// shard. Tensors are read one at a time (see writeSafetensorsStreamed).

import { join } from "node:path";
import { writeFileAtomic } from "./atomic_write.ts";
import { INDEX_FILE, SINGLE_FILE } from "./checkpoint.ts";
import { dtypeBytes, type Tensor } from "./dtype.ts";
import { type TensorEntry, writeSafetensorsStreamed } from "./safetensors_write.ts";

/** transformers' default max_shard_size, "5GB" (decimal). */
export const DEFAULT_SHARD_BYTES = 5_000_000_000;

const entryBytes = (e: TensorEntry) => e.shape.reduce((a, b) => a * b, 1) * dtypeBytes(e.dtype);

/** Writes the tensors into `dir` and returns the file names written (the index last). A shard closes when
 * the next tensor would take it past `maxShardBytes`; a larger tensor gets a shard of its own. */
export function writeShardedSafetensors(
  dir: string,
  entries: TensorEntry[],
  read: (name: string) => Tensor,
  maxShardBytes = DEFAULT_SHARD_BYTES,
): string[] {
  const metadata = { format: "pt" };
  const shards: TensorEntry[][] = [[]];
  let size = 0;
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const bytes = entryBytes(e);
    if (shards[shards.length - 1].length > 0 && size + bytes > maxShardBytes) {
      shards.push([]);
      size = 0;
    }
    shards[shards.length - 1].push(e);
    size += bytes;
  }
  if (shards.length === 1) {
    writeSafetensorsStreamed(join(dir, SINGLE_FILE), shards[0], read, metadata);
    return [SINGLE_FILE];
  }
  const n = String(shards.length).padStart(5, "0");
  const names = shards.map((_, i) => `model-${String(i + 1).padStart(5, "0")}-of-${n}.safetensors`);
  const weightMap: Record<string, string> = {};
  for (const [i, shard] of shards.entries()) {
    writeSafetensorsStreamed(join(dir, names[i]), shard, read, metadata);
    for (const e of shard) weightMap[e.name] = names[i];
  }
  const totalSize = entries.reduce((sum, e) => sum + entryBytes(e), 0);
  writeFileAtomic(
    join(dir, INDEX_FILE),
    `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`,
  );
  return [...names, INDEX_FILE];
}
