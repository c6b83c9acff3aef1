// tokenizer.model → tokenizer.json, as transformers builds LlamaTokenizerFast for a repository that publishes
// only SentencePiece's file (convert_slow_tokenizer.LlamaConverter, with LlamaTokenizerFast's post-processor):
//  - vocabulary: the pieces in id order; BPE with byte fallback, "<unk>" fused, no dropout;
//  - merges: every split of a normal piece into two vocabulary entries, ranked by the piece's score (highest
//    first), ties by the ids of the left then the right part, as transformers' SentencePieceExtractor ordered
//    them when LLaMA's tokenizer.json was made (that file's 61,249 merges come out identical);
//  - `legacy` (tokenizer_config.json, default true): a "▁" prepended to every text segment and spaces
//    replaced by a normalizer; `legacy: false`: a Metaspace pre-tokenizer that prepends "▁" to the first
//    segment only (prepend_scheme "first"), so text after a special token gets none;
//  - added tokens: control and user-defined pieces, tokenizer_config.json's added_tokens_decoder, then its
//    special tokens (bos, eos, unk, pad, additional_special_tokens);
//  - BOS/EOS by add_bos_token / add_eos_token; decoder Replace "▁" → " ", ByteFallback, Fuse, Strip one space.
// SentencePiece settings this conversion cannot reproduce (a normalization table, whitespace folding, suffix
// whitespace, another algorithm) are refused rather than converted into a tokenizer that splits differently.
import { type AddedToken, addedToken, llamaTokenizerJson } from "./llama_tokenizer_json.ts";
import { ModelType, PieceType, type SentencePieceModel } from "./sentencepiece_model.ts";
import { tokenContent } from "./tokenizer_config.ts";

/** LlamaTokenizer's defaults for the fields tokenizer_config.json may leave out. */
export const LLAMA_TOKENIZER_DEFAULTS: Readonly<Record<string, unknown>> = {
  bos_token: "<s>",
  eos_token: "</s>",
  unk_token: "<unk>",
  add_bos_token: true,
  add_eos_token: false,
};

/** The BPE merges transformers derives from a SentencePiece BPE model, highest priority first. */
export function sentencePieceMerges(model: SentencePieceModel): Array<[string, string]> {
  const ids = new Map(model.pieces.map((p, i) => [p.piece, i]));
  const found: Array<{ left: string; right: string; score: number; leftId: number; rightId: number }> = [];
  for (const { piece, score, type } of model.pieces) {
    // SentencePiece merges only into normal pieces; the others are matched whole or never produced.
    if (type !== PieceType.normal) continue;
    // Split points between code points (as Python slices the piece), never inside a surrogate pair.
    for (let k = 1; k < piece.length; k++) {
      const unit = piece.charCodeAt(k);
      if (unit >= 0xdc00 && unit <= 0xdfff) continue;
      const leftId = ids.get(piece.slice(0, k));
      if (leftId === undefined) continue;
      const rightId = ids.get(piece.slice(k));
      if (rightId !== undefined)
        found.push({ left: piece.slice(0, k), right: piece.slice(k), score, leftId, rightId });
    }
  }
  found.sort((a, b) => b.score - a.score || a.leftId - b.leftId || a.rightId - b.rightId);
  return found.map((m) => [m.left, m.right]);
}

/** Reasons the Llama conversion would not tokenize as SentencePiece does with this model, if any. */
function unsupported(model: SentencePieceModel, addPrefixSpace: boolean): string | null {
  const { trainerSpec: t, normalizerSpec: n } = model;
  if (t.modelType !== ModelType.bpe)
    return `trainer_spec.model_type is ${Object.keys(ModelType).find((k) => ModelType[k as keyof typeof ModelType] === t.modelType) ?? t.modelType}; only BPE models (LLaMA's) are converted`;
  if (n.precompiledCharsmapBytes > 0)
    return `normalizer_spec "${n.name}" has a normalization table, which the Llama conversion does not apply`;
  if (n.removeExtraWhitespaces)
    return "normalizer_spec.remove_extra_whitespaces is true: SentencePiece folds runs of spaces, the Llama conversion does not";
  if (!n.escapeWhitespaces) return "normalizer_spec.escape_whitespaces is false: spaces are not written as ▁";
  if (t.treatWhitespaceAsSuffix)
    return "trainer_spec.treat_whitespace_as_suffix is true: the Llama conversion puts ▁ before words";
  if (n.addDummyPrefix !== addPrefixSpace)
    return `normalizer_spec.add_dummy_prefix is ${n.addDummyPrefix} but tokenizer_config.json's add_prefix_space is ${addPrefixSpace}`;
  return null;
}

/**
 * The tokenizer.json object LlamaTokenizerFast would build from `model` and the tokenizer_config.json
 * fields `config` (LlamaTokenizer's defaults applied). `modelPath` and `configPath` name the files in errors.
 */
export function convertSentencePiece(
  model: SentencePieceModel,
  config: Record<string, unknown>,
  modelPath: string,
  configPath: string,
): Record<string, unknown> {
  const legacy = config.legacy !== false;
  const addPrefixSpace = config.add_prefix_space !== false;
  const problem = unsupported(model, addPrefixSpace);
  if (problem)
    throw new Error(
      `${modelPath}: cannot convert to a Llama tokenizer: ${problem}; provide a tokenizer.json`,
    );

  const vocab: Record<string, number> = Object.create(null);
  model.pieces.forEach((p, i) => {
    vocab[p.piece] = i;
  });
  const addedById = new Map<number, AddedToken>();
  model.pieces.forEach((p, i) => {
    if (p.type === PieceType.control || p.type === PieceType.userDefined)
      addedById.set(i, addedToken(i, p.piece, p.type === PieceType.control));
  });
  const idOfAdded = (content: string) => [...addedById.values()].find((t) => t.content === content)?.id;

  const decoder = config.added_tokens_decoder ?? {};
  if (typeof decoder !== "object" || decoder === null || Array.isArray(decoder))
    throw new Error(`${configPath}: "added_tokens_decoder" is not an object of id → token`);
  for (const [key, value] of Object.entries(decoder)) {
    const where = `${configPath}: "added_tokens_decoder[${JSON.stringify(key)}]"`;
    const id = Number(key);
    const t = value as Record<string, unknown>;
    if (!/^\d+$/.test(key) || id >= 2 ** 24) throw new Error(`${where} is not a token id below 2^24`);
    if (typeof t !== "object" || t === null || typeof t.content !== "string")
      throw new Error(`${where} has no string "content"`);
    const content = t.content;
    const existing = vocab[content] ?? idOfAdded(content);
    if (existing !== undefined && existing !== id)
      throw new Error(`${where}: ${JSON.stringify(content)} is id ${existing} in ${modelPath}`);
    if (id < model.pieces.length && model.pieces[id].piece !== content)
      throw new Error(`${where}: id ${id} is ${JSON.stringify(model.pieces[id].piece)} in ${modelPath}`);
    const flag = (name: string, fallback: boolean) =>
      typeof t[name] === "boolean" ? (t[name] as boolean) : fallback;
    addedById.set(id, {
      id,
      content,
      single_word: flag("single_word", false),
      lstrip: flag("lstrip", false),
      rstrip: flag("rstrip", false),
      normalized: flag("normalized", false),
      special: flag("special", false),
    });
  }
  // Special tokens not added yet: as added special tokens (a new id past the vocabulary if they have none).
  const extra = Array.isArray(config.additional_special_tokens) ? config.additional_special_tokens : [];
  for (const token of [config.unk_token, config.bos_token, config.eos_token, config.pad_token, ...extra]) {
    const content = tokenContent(token);
    if (content === null || idOfAdded(content) !== undefined) continue;
    const id = vocab[content] ?? Math.max(model.pieces.length - 1, ...addedById.keys()) + 1;
    addedById.set(id, addedToken(id, content));
  }
  const addedTokens = [...addedById.values()].sort((a, b) => a.id - b.id);

  return llamaTokenizerJson({
    vocab,
    merges: sentencePieceMerges(model),
    addedTokens,
    unkToken: model.trainerSpec.unkPiece,
    byteFallback: true,
    legacy,
    addPrefixSpace,
    bos: config.add_bos_token !== false ? tokenContent(config.bos_token) : null,
    eos: config.add_eos_token === true ? tokenContent(config.eos_token) : null,
    idOf: (content) => vocab[content] ?? idOfAdded(content),
  });
}
