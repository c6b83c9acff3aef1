// The tokenizer.json of a LLaMA fast tokenizer as transformers' LlamaConverter lays it out: a "▁" normalizer
// (legacy) or Metaspace pre-tokenizer, BPE over a "▁"-marked vocabulary, LlamaTokenizerFast's BOS/EOS
// template, and the Replace/ByteFallback/Fuse/Strip decoder. The SentencePiece conversion, the sandbox's
// trained tokenizer and the shipped LLaMA-2 tokenizer all write this one layout.

export const SPIECE_UNDERLINE = "▁";

export interface AddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** An added token as the converter writes one: matched before normalization. */
export const addedToken = (id: number, content: string, special = true): AddedToken => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special,
});

export interface LlamaTokenizerJsonParts {
  vocab: Record<string, number>;
  /** Merges, highest priority first: "left right" strings or [left, right] pairs (both forms are read). */
  merges: ReadonlyArray<string | readonly [string, string]>;
  addedTokens: AddedToken[];
  unkToken: string;
  byteFallback: boolean;
  /** tokenizer_config.json's `legacy` (default true) and `add_prefix_space` (default true). */
  legacy?: boolean;
  addPrefixSpace?: boolean;
  /** The tokens the post-processor puts around a sequence (null: none) and how to find their ids. */
  bos: string | null;
  eos: string | null;
  idOf: (token: string) => number | undefined;
}

export function llamaTokenizerJson(p: LlamaTokenizerJsonParts): Record<string, unknown> {
  const legacy = p.legacy ?? true;
  const addPrefixSpace = p.addPrefixSpace ?? true;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: p.addedTokens,
    normalizer: legacy
      ? {
          type: "Sequence",
          normalizers: [
            ...(addPrefixSpace ? [{ type: "Prepend", prepend: SPIECE_UNDERLINE }] : []),
            { type: "Replace", pattern: { String: " " }, content: SPIECE_UNDERLINE },
          ],
        }
      : null,
    pre_tokenizer: legacy
      ? null
      : {
          type: "Metaspace",
          replacement: SPIECE_UNDERLINE,
          prepend_scheme: addPrefixSpace ? "first" : "never",
          split: false,
        },
    post_processor: postProcessor(p.bos, p.eos, p.idOf),
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: SPIECE_UNDERLINE }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        ...(addPrefixSpace ? [{ type: "Strip", content: " ", start: 1, stop: 0 }] : []),
      ],
    },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: p.unkToken,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: p.byteFallback,
      ignore_merges: false,
      vocab: p.vocab,
      merges: p.merges,
    },
  };
}

/** LlamaTokenizerFast.update_post_processor: "<s> $A </s>" with either end where it is given and known. */
function postProcessor(bos: string | null, eos: string | null, idOf: (t: string) => number | undefined) {
  const bosId = bos === null ? undefined : idOf(bos);
  const eosId = eos === null ? undefined : idOf(eos);
  const token = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const around = (typeId: number, seq: string) => [
    ...(bos !== null && bosId !== undefined ? [token(bos, typeId)] : []),
    sequence(seq, typeId),
    ...(eos !== null && eosId !== undefined ? [token(eos, typeId)] : []),
  ];
  const specialTokens: Record<string, unknown> = {};
  if (bos !== null && bosId !== undefined) specialTokens[bos] = { id: bos, ids: [bosId], tokens: [bos] };
  if (eos !== null && eosId !== undefined) specialTokens[eos] = { id: eos, ids: [eosId], tokens: [eos] };
  return {
    type: "TemplateProcessing",
    single: around(0, "A"),
    pair: [...around(0, "A"), ...around(1, "B")],
    special_tokens: specialTokens,
  };
}
