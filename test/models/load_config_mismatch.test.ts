// A config that does not fit its checkpoint fails before the model is built: fuzzing found a text_config with
// 65,537 layers that allocated ~600 MiB of placeholder layers first.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadLlama, loadLlava } from "../../src/models/load.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/models/${name}`, import.meta.url));

function withConfig(name: string, edit: (config: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "lntune-load-"));
  for (const file of ["config.json", "model.safetensors"]) cpSync(join(fixture(name), file), join(dir, file));
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  edit(config);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

for (const [name, load, edit] of [
  ["llama_base", loadLlama, (c: Record<string, any>) => (c.num_hidden_layers = 1000)],
  ["llava_hf", loadLlava, (c: Record<string, any>) => (c.text_config.num_hidden_layers = 1000)],
] as const) {
  test(`${name}: 1,000 layers in the config against 2 in the checkpoint fail before the model is built, listing 40 problems and a count`, () => {
    const dir = withConfig(name, edit);
    assert.throws(
      () => load(dir),
      (err: Error) => {
        const lines = err.message.split("\n");
        assert.match(lines[0], new RegExp(`^${dir}: \\d+ problem\\(s\\) with the`));
        assert.equal(lines.length, 1 + 40 + 1);
        assert.match(lines[41], /^ {2}… and \d+ more$/);
        return true;
      },
    );
    rmSync(dir, { recursive: true });
  });
}

test("layer counts above 1024 and sizes above 2^24 are refused by the config reader", () => {
  const deep = withConfig("llama_base", (c) => (c.num_hidden_layers = 65537));
  assert.throws(() => loadLlama(deep), /num_hidden_layers.*65537 exceeds 1024/);
  const wide = withConfig("llama_base", (c) => (c.intermediate_size = 2 ** 31));
  assert.throws(() => loadLlama(wide), /intermediate_size.*2147483648 exceeds 16777216/);
});

test("a hidden size of 2^23 against the checkpoint's 64 is refused before the model's norms are allocated", () => {
  const dir = withConfig("llama_base", (c) => {
    c.hidden_size = 2 ** 23;
    c.head_dim = 2 ** 21;
  });
  const rss = process.resourceUsage().maxRSS;
  assert.throws(() => loadLlama(dir), /problem\(s\) with the llama weights:\n {2}shape: /);
  // Five norm weights of 2^23 floats would take 160 MiB.
  assert.ok(process.resourceUsage().maxRSS - rss < 64 * 1024, "peak memory grew by more than 64 MiB");
});
