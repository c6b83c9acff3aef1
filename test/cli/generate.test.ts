// `lntune generate`: the streamed answer equals greedy generate() on the same prompt (text-only on LLaMA,
// with an image on LLaVA), --stop trims, a missing image fails clearly; and the incremental decoding.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { answer, chatPrompt } from "../../src/chat/chat.ts";
import { TextStream } from "../../src/chat/text_stream.ts";
import { processImage } from "../../src/data/clip_preprocess.ts";
import { getTemplate } from "../../src/data/templates/index.ts";
import { tokenizerImageToken } from "../../src/data/tokenizer_image_token.ts";
import { loadClipImageProcessorConfig } from "../../src/io/config/clip_preprocessor_config.ts";
import { decodeImage } from "../../src/io/image.ts";
import { createTokenizer, loadTokenizer, type Tokenizer } from "../../src/io/tokenizer.ts";
import { generate, leftPad } from "../../src/models/generation.ts";
import { toModelImageToken } from "../../src/models/llava/image_token.ts";
import { loadLlama, loadLlava } from "../../src/models/load.ts";
import { noGrad } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { methodSpec } from "../../src/tuning/methods.ts";
import { saveAdapter } from "../../src/tuning/peft_adapter.ts";
import { FIXTURES } from "../models/fixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "lntune-generate-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const IMAGE = join(tmp, "red.png");
const PROMPT = "What is in the picture?";
const EOS = 2;

/** A LLaMA-style byte-fallback BPE over 96 ids (the fixtures' vocabulary): specials, a few bytes (the
 * three of "€" among them), letters, punctuation, and filler pieces that only the model emits. */
function tinyTokenizer(): { json: object; config: Record<string, unknown> } {
  const specials = ["<unk>", "<s>", "</s>"];
  const tokens = [
    ...specials,
    ...["<0x0A>", "<0xE2>", "<0x82>", "<0xAC>"],
    ..."▁abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:?.,'",
  ];
  while (tokens.length < 96) tokens.push(`w${tokens.length}`);
  const json = {
    version: "1.0",
    added_tokens: specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: "▁" },
        { type: "Replace", pattern: { String: " " }, content: "▁" },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      unk_token: "<unk>",
      fuse_unk: true,
      byte_fallback: true,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
      merges: [],
    },
  };
  const config = {
    bos_token: "<s>",
    eos_token: "</s>",
    unk_token: "<unk>",
    add_bos_token: true,
    chat_template:
      "{% for m in messages %}{{ m.content }}{% endfor %}{% if add_generation_prompt %} ASSISTANT:{% endif %}",
  };
  return { json, config };
}

/** A fixture checkpoint copied with the tiny tokenizer beside it. */
function withTokenizer(name: string): string {
  const dir = join(tmp, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  const { json, config } = tinyTokenizer();
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(json));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config));
  return dir;
}

function lntune(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/lntune.js", "generate", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI's answer, without the final newline. */
function cliAnswer(...args: string[]): string {
  const r = lntune(...args);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.endsWith("\n"));
  return r.stdout.slice(0, -1);
}

const decodeAnswer = (tok: Tokenizer, tokens: number[]) =>
  tok.decode(
    tokens.filter((t) => t !== EOS),
    { skipSpecialTokens: true },
  );

let llamaDir: string;
let llavaDir: string;

before(async () => {
  llamaDir = withTokenizer("llama_base");
  llavaDir = withTokenizer("llava_hf");
  await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 30, b: 90 } } })
    .png()
    .toFile(IMAGE);
});

test("generate streams greedy generate()'s answer to a text-only prompt", () => {
  const tok = loadTokenizer(llamaDir);
  const model = loadLlama(llamaDir);
  const ids = tok.encode(chatPrompt(getTemplate("vicuna_v1"), PROMPT, false));
  const [tokens] = generate(model, leftPad([ids], tok.padTokenId), { maxNewTokens: 16, eosTokenIds: [EOS] });
  const want = decodeAnswer(tok, tokens);
  assert.ok(want.length > 0);
  assert.equal(cliAnswer("--model", llamaDir, "--prompt", PROMPT, "--max-new-tokens", "16"), want);
});

test("generate answers about an image on LLaVA as embedMultimodal + generate() do", async () => {
  const tok = loadTokenizer(llavaDir);
  const model = loadLlava(llavaDir).eval();
  const ids = toModelImageToken(
    tokenizerImageToken(chatPrompt(getTemplate("vicuna_v1"), PROMPT, true), tok),
    model.config,
  );
  // llava_hf has no preprocessor_config.json: CLIP's defaults at the tower's 28 pixels, no padding.
  const processor = loadClipImageProcessorConfig(join(tmp, "none"), 28);
  const { pixelValues } = processImage(await decodeImage(IMAGE), processor, "square");
  const { embeds, plan } = noGrad(() =>
    model.embedMultimodal({ inputIds: Int32Array.from(ids), batch: 1, seqLen: ids.length, pixelValues }),
  );
  const [tokens] = generate(
    model.language_model,
    { batch: 1, seqLen: plan.seqLen, inputsEmbeds: embeds, attentionMask: plan.attentionMask },
    { maxNewTokens: 12, eosTokenIds: [EOS] },
  );
  const args = ["--model", llavaDir, "--prompt", PROMPT, "--image", IMAGE, "--max-new-tokens", "12"];
  assert.equal(cliAnswer(...args), decodeAnswer(tok, tokens));
  // The text-only answer differs: the image went in.
  assert.notEqual(cliAnswer(...args.slice(0, 4), "--max-new-tokens", "12"), decodeAnswer(tok, tokens));
});

test("generate --template chat_template renders with the tokenizer's template", () => {
  const tok = loadTokenizer(llamaDir);
  const ids = tok.encode(`${PROMPT} ASSISTANT:`);
  const [tokens] = generate(loadLlama(llamaDir), leftPad([ids], tok.padTokenId), {
    maxNewTokens: 8,
    eosTokenIds: [EOS],
  });
  const args = [
    "--model",
    llamaDir,
    "--prompt",
    PROMPT,
    "--max-new-tokens",
    "8",
    "--template",
    "chat_template",
  ];
  assert.equal(cliAnswer(...args), decodeAnswer(tok, tokens));
});

test("generate --adapter answers with the adapter's weights", () => {
  const model = loadLlama(llamaDir);
  applyMethod(model, methodSpec("ln-simp"), {}, new Rng(0));
  for (const [, p] of model.namedParameters())
    if (p.requiresGrad) p.writeF32(p.readF32().map((x, i) => x * (1 + 0.5 * Math.sin(7 * i))));
  const adapter = join(tmp, "adapter");
  saveAdapter(adapter, model, { method: "ln-simp" });
  const tok = loadTokenizer(llamaDir);
  const ids = tok.encode(chatPrompt(getTemplate("vicuna_v1"), PROMPT, false));
  const [tokens] = generate(model, leftPad([ids], tok.padTokenId), { maxNewTokens: 16, eosTokenIds: [EOS] });
  const base = ["--model", llamaDir, "--prompt", PROMPT, "--max-new-tokens", "16"];
  const tuned = cliAnswer(...base, "--adapter", adapter);
  assert.equal(tuned, decodeAnswer(tok, tokens));
  assert.notEqual(tuned, cliAnswer(...base));
});

test("generate --stop ends the answer before the first stop string", () => {
  const base = ["--model", llamaDir, "--prompt", PROMPT, "--max-new-tokens", "16"];
  const full = cliAnswer(...base);
  const stop = full.slice(3, 5);
  assert.equal(cliAnswer(...base, "--stop", "no such text", stop), full.slice(0, full.indexOf(stop)));
});

test("generate fails with the missing image's path and exit code 1", () => {
  const missing = join(tmp, "missing.png");
  const r = lntune("--model", llavaDir, "--prompt", PROMPT, "--image", missing);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, new RegExp(`image not found: ${missing.replace(/[.\\]/g, "\\$&")}`));
});

test("text streams never split a character or show part of a stop string", () => {
  const { json, config } = tinyTokenizer();
  const tok = createTokenizer(json, config);
  const ids = tok.encode("ab €\nc:d", { addSpecialTokens: false });
  const chunks: string[] = [];
  const stream = new TextStream(
    (x) => tok.decode(x),
    (c) => chunks.push(c),
    [":d"],
  );
  let stopped = false;
  for (let n = 1; n <= ids.length && !stopped; n++) stopped = stream.update(ids.slice(0, n));
  assert.ok(stopped);
  assert.equal(stream.text, "ab €\nc");
  assert.equal(chunks.join(""), "ab €\nc");
  assert.ok(chunks.length > 3);
  assert.ok(
    chunks.every((c) => !c.includes("\uFFFD") && !c.includes(":")),
    JSON.stringify(chunks),
  );
});

test("answer() passes the text on as it is generated", () => {
  const model = loadLlama(llamaDir);
  const chunks: string[] = [];
  const r = answer(model, loadTokenizer(llamaDir), { prompt: PROMPT, maxNewTokens: 16 }, (c) =>
    chunks.push(c),
  );
  assert.ok(chunks.length > 1);
  assert.equal(chunks.join(""), r.text);
  assert.equal(r.finishReason, r.tokens.at(-1) === EOS ? "eos" : "length");
});

test("generate warns when prompt and answer take more positions than max_position_embeddings", () => {
  const positions = loadLlama(llamaDir).config.max_position_embeddings;
  const r = answer(loadLlama(llamaDir), loadTokenizer(llamaDir), { prompt: PROMPT, maxNewTokens: 4 });
  assert.equal(r.positions, r.promptIds.length + r.tokens.length);
  const cli = lntune("--model", llamaDir, "--prompt", "word ".repeat(positions), "--max-new-tokens", "2");
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(
    cli.stderr,
    new RegExp(
      `^warning: prompt and answer took \\d+ positions, more than the model's max_position_embeddings \\(${positions}\\)`,
      "m",
    ),
  );
});
