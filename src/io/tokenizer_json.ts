// Checks the shape of a tokenizer.json (Hugging Face tokenizers' serialisation) before the tokenizers library
// sees it: the library trusts its input, so a malformed file would surface as a TypeError from deep inside it,
// and a token id of 2^31 makes it size tables by that id. Errors name the file and the JSON path.

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function validateTokenizerJson(json: unknown, path: string): void {
  const problem = (where: string, what: string) => new Error(`${path}: ${where} ${what}`);
  if (!isObject(json)) throw problem("the file", "is not a JSON object");
  const doc = json;
  const model = doc.model;
  if (!isObject(model)) throw problem('"model"', "is missing or not an object");
  const vocab = model.vocab;
  // The library iterates the list whenever the key is there, so null is as bad as a number.
  const added = doc.added_tokens === undefined ? [] : doc.added_tokens;
  if (!Array.isArray(added)) throw problem('"added_tokens"', "is not a list");
  const addedTokens: unknown[] = added;
  let entries: Array<[string, number]>;
  if (model.type === "Unigram") {
    if (!Array.isArray(vocab)) throw problem('"model.vocab"', "is not a list of [piece, score] pairs");
    vocab.forEach((pair, i) => {
      if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "number")
        throw problem(`"model.vocab[${i}]"`, "is not a [piece, score] pair");
    });
    entries = (vocab as Array<[string, number]>).map(([piece], i) => [piece, i]);
  } else {
    if (!isObject(vocab)) throw problem('"model.vocab"', "is not an object of token ids");
    entries = Object.entries(vocab) as Array<[string, number]>;
  }
  // The library sizes tables by the largest id. Ids may leave holes, but the largest vocabularies published
  // hold about 256k tokens: 2^24 leaves ample room and keeps those tables bounded.
  const bound = 2 ** 24;
  const checkId = (where: string, id: unknown) => {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= bound)
      throw problem(where, `has id ${JSON.stringify(id)}, not an integer in [0, ${bound})`);
  };
  for (const [token, id] of entries)
    if (model.type !== "Unigram") checkId(`"model.vocab[${JSON.stringify(token)}]"`, id);
  addedTokens.forEach((t, i) => {
    if (!isObject(t) || typeof t.content !== "string")
      throw problem(`"added_tokens[${i}]"`, "is not a token object");
    checkId(`"added_tokens[${i}]"`, (t as Record<string, unknown>).id);
  });
  if (model.type === "BPE" || model.merges !== undefined) {
    const merges = model.merges ?? [];
    if (!Array.isArray(merges)) throw problem('"model.merges"', "is not a list");
    (merges as unknown[]).forEach((m, i) => {
      const ok =
        typeof m === "string" ||
        (Array.isArray(m) && m.length === 2 && m.every((part) => typeof part === "string"));
      if (!ok) throw problem(`"model.merges[${i}]"`, 'is neither "a b" nor ["a", "b"]');
    });
  }
  // Components are null or objects with a string type; Sequence components nest lists of them. The parts the
  // library reads without checking: Split/Replace patterns and TemplateProcessing's templates.
  const component = (where: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (!isObject(value) || typeof value.type !== "string") throw problem(`"${where}"`, "has no string type");
    if (value.pattern !== undefined) {
      const p = value.pattern;
      if (!isObject(p) || !(typeof p.String === "string" || typeof p.Regex === "string"))
        throw problem(`"${where}.pattern"`, 'is not {"String": …} or {"Regex": …}');
    }
    if (value.type === "TemplateProcessing")
      for (const key of ["single", "pair"]) {
        const template = value[key];
        if (!Array.isArray(template)) throw problem(`"${where}.${key}"`, "is not a list");
        template.forEach((piece: unknown, i: number) => {
          const inner = isObject(piece) ? (piece.SpecialToken ?? piece.Sequence) : undefined;
          if (!isObject(inner) || typeof inner.id !== "string")
            throw problem(
              `"${where}.${key}[${i}]"`,
              'is not {"SpecialToken": {id, …}} or {"Sequence": {id, …}}',
            );
        });
      }
    for (const key of ["normalizers", "pretokenizers", "processors", "decoders"]) {
      if (value[key] === undefined) continue;
      if (!Array.isArray(value[key])) throw problem(`"${where}.${key}"`, "is not a list");
      for (const [i, c] of (value[key] as unknown[]).entries()) component(`${where}.${key}[${i}]`, c);
    }
  };
  for (const key of ["normalizer", "pre_tokenizer", "post_processor", "decoder"]) component(key, doc[key]);
}
