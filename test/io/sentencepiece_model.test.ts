import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseSentencePieceModel } from "../../src/io/sentencepiece_model.ts";
import { loadTokenizer } from "../../src/io/tokenizer.ts";
import { bytesField, concat, floatField, pieceField, specField, varintField } from "./protobuf_writer.ts";
import { readGoldens, readModelBytes, SPM_MODELS, tokenizerDir } from "./sentencepiece_fixtures.ts";

const PATH = "m/tokenizer.model";

test("tokenizer.model parsing: every piece, score and type and the settings as protobuf's Python parser reads them", () => {
  for (const name of SPM_MODELS) {
    const g = readGoldens(name);
    const model = parseSentencePieceModel(readModelBytes(name), PATH);
    assert.equal(model.pieces.length, g.piece_count, name);
    if (g.pieces)
      assert.deepEqual(
        model.pieces.map((p) => [p.piece, p.score, p.type]),
        g.pieces,
        name,
      );
    const { trainerSpec: t, normalizerSpec: n } = model;
    assert.deepEqual(
      {
        model_type: t.modelType,
        byte_fallback: t.byteFallback,
        unk_id: t.unkId,
        bos_id: t.bosId,
        eos_id: t.eosId,
        pad_id: t.padId,
        unk_piece: t.unkPiece,
        treat_whitespace_as_suffix: t.treatWhitespaceAsSuffix,
        normalizer_name: n.name,
        precompiled_charsmap_bytes: n.precompiledCharsmapBytes,
        add_dummy_prefix: n.addDummyPrefix,
        remove_extra_whitespaces: n.removeExtraWhitespaces,
        escape_whitespaces: n.escapeWhitespaces,
      },
      g.spec,
      name,
    );
  }
  // LLaMA's, whose pieces the goldens leave out: a few printed by sentencepiece_model_pb2.
  const llama = parseSentencePieceModel(readModelBytes("llama2-sentencepiece"), PATH).pieces;
  assert.deepEqual(
    [0, 1, 3, 259, 260, 30143, 31999].map((i) => [llama[i].piece, llama[i].score, llama[i].type]),
    [
      ["<unk>", 0, 2],
      ["<s>", 0, 3],
      ["<0x00>", 0, 6],
      ["▁▁", -1e9, 1],
      ["▁t", -1, 1],
      ["\ufeff", -29884, 1],
      ["给", -31740, 1],
    ],
  );
});

test("tokenizer.model parsing: a spec given twice is merged field by field, as protobuf merges it", () => {
  const bytes = concat(
    readModelBytes("spm-bpe-unk"),
    specField(2, varintField(43, 7)),
    specField(3, varintField(3, 0)),
  );
  const model = parseSentencePieceModel(bytes, PATH);
  assert.deepEqual([model.trainerSpec.padId, model.trainerSpec.modelType], [7, 2]);
  assert.deepEqual([model.normalizerSpec.addDummyPrefix, model.normalizerSpec.name], [false, "identity"]);
});

const unk = pieceField("<unk>", 0, 2);
const refuse = (bytes: Uint8Array, problem: RegExp) =>
  assert.throws(
    () => parseSentencePieceModel(bytes, PATH),
    (err: Error) =>
      err.message.startsWith(`${PATH}: not a readable SentencePiece model: `) && problem.test(err.message),
  );

test("tokenizer.model parsing: malformed files are refused naming the file, the field and the problem", () => {
  const llama = readModelBytes("llama2-sentencepiece");
  refuse(new Uint8Array(0), /no pieces \(is this a SentencePiece model\?\)/);
  refuse(llama.subarray(0, 1000), /runs past the end/);
  refuse(new TextEncoder().encode('{"model": {}}'), /wire type 3, which is not supported/);
  refuse(concat(unk, varintField(1, 5)), /ModelProto field 1 at byte 16 has wire type 0, expected 2/);
  refuse(
    concat(unk, pieceField(Uint8Array.from([0xc3, 0x28]), 0, 1)),
    /pieces\[1\]\.piece \(field 1 at byte 0\) is not valid UTF-8/,
  );
  refuse(concat(unk, pieceField("", -1, 1)), /pieces\[1\]\.piece is empty/);
  refuse(concat(unk, pieceField("a", Number.NaN, 1)), /pieces\[1\]\.score is NaN/);
  refuse(concat(unk, pieceField("a", 0, 9)), /pieces\[1\]\.type is 9, not a SentencePiece type/);
  refuse(concat(unk, pieceField("a", -1, 1), pieceField("a", -2, 1)), /pieces\[2\] "a" repeats pieces\[1\]/);
  refuse(
    concat(pieceField("a", -1, 1), unk),
    /trainer_spec\.unk_id is 0, but the pieces of type UNKNOWN are at \[1\]/,
  );
  refuse(concat(unk, pieceField("<u>", 0, 2)), /UNKNOWN are at \[0, 1\]/);
  refuse(
    concat(unk, specField(2, bytesField(45, "<oov>"))),
    /trainer_spec\.unk_piece "<oov>" is not the UNKNOWN piece "<unk>"/,
  );
  refuse(
    concat(unk, specField(2, floatField(3, 1))),
    /trainer_spec field 3 at byte 0 has wire type 5, expected 0/,
  );
});

test("loadTokenizer names the tokenizer.model it cannot read", () => {
  const dir = tokenizerDir(readModelBytes("spm-bpe-unk").subarray(0, 500));
  const path = join(dir, "tokenizer.model");
  assert.throws(
    () => loadTokenizer(dir),
    (err: Error) => err.message.startsWith(`${path}: not a readable SentencePiece model`),
  );
});
