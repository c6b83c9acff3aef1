// SentencePiece's model file (tokenizer.model): a protobuf `ModelProto` (sentencepiece_model.proto) holding
// the pieces with their scores and types, the trainer's settings and the normalizer's. Only the fields that
// decide how text is tokenized are read; the rest (training inputs, self-test data) are skipped. Errors name
// the file, the field and the byte offset.
import {
  fieldFloat,
  fieldString,
  ProtobufError,
  readFields,
  WIRE_BYTES,
  WIRE_FIXED32,
  WIRE_VARINT,
  type WireField,
} from "./protobuf.ts";

/** ModelProto.SentencePiece.Type. */
export const PieceType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export interface SentencePiece {
  piece: string;
  score: number;
  type: number;
}

/** TrainerSpec.ModelType. */
export const ModelType = { unigram: 1, bpe: 2, word: 3, char: 4 } as const;

export interface TrainerSpec {
  modelType: number;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  unkPiece: string;
}

export interface NormalizerSpec {
  name: string;
  /** Bytes of the compiled normalization rules (empty for "identity", LLaMA's). */
  precompiledCharsmapBytes: number;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  trainerSpec: TrainerSpec;
  normalizerSpec: NormalizerSpec;
}

// The largest vocabularies published hold about 256k pieces; this bound matches tokenizer.json's id bound.
const MAX_PIECES = 2 ** 24;

type Handler = (field: WireField, at: string) => void;

/** Reads a message's fields with one handler per known field number; unknown fields are skipped. */
function readMessage(bytes: Uint8Array, at: string, handlers: Record<number, [number, Handler]>): void {
  readFields(bytes, (field) => {
    const known = handlers[field.number];
    if (!known) return;
    const [wireType, handle] = known;
    if (field.wireType !== wireType)
      throw new ProtobufError(
        `${at} field ${field.number} at byte ${field.offset} has wire type ${field.wireType}, expected ${wireType}`,
      );
    handle(field, at);
  });
}

// The hot loop of parsing (32k pieces for LLaMA): a switch rather than readMessage's handler table.
function readPiece(bytes: Uint8Array, index: number): SentencePiece {
  const out: SentencePiece = { piece: "", score: 0, type: PieceType.normal };
  const at = `pieces[${index}]`;
  readFields(bytes, (f) => {
    const expected =
      f.number === 1 ? WIRE_BYTES : f.number === 2 ? WIRE_FIXED32 : f.number === 3 ? WIRE_VARINT : -1;
    if (expected === -1) return;
    if (f.wireType !== expected)
      throw new ProtobufError(
        `${at} field ${f.number} at byte ${f.offset} has wire type ${f.wireType}, expected ${expected}`,
      );
    if (f.number === 1) out.piece = fieldString(f, `${at}.piece`);
    else if (f.number === 2) out.score = fieldFloat(f);
    else out.type = f.int32;
  });
  if (out.piece === "") throw new ProtobufError(`${at}.piece is empty`);
  if (!Number.isFinite(out.score)) throw new ProtobufError(`${at}.score is ${out.score}`);
  if (out.type < PieceType.normal || out.type > PieceType.byte)
    throw new ProtobufError(`${at}.type is ${out.type}, not a SentencePiece type (1-6)`);
  return out;
}

function readTrainerSpec(chunks: Uint8Array[]): TrainerSpec {
  // Defaults as sentencepiece_model.proto declares them.
  const spec: TrainerSpec = {
    modelType: ModelType.unigram,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    unkPiece: "<unk>",
  };
  for (const bytes of chunks)
    readMessage(bytes, "trainer_spec", {
      3: [WIRE_VARINT, (f) => (spec.modelType = f.int32)],
      24: [WIRE_VARINT, (f) => (spec.treatWhitespaceAsSuffix = f.nonzero)],
      35: [WIRE_VARINT, (f) => (spec.byteFallback = f.nonzero)],
      40: [WIRE_VARINT, (f) => (spec.unkId = f.int32)],
      41: [WIRE_VARINT, (f) => (spec.bosId = f.int32)],
      42: [WIRE_VARINT, (f) => (spec.eosId = f.int32)],
      43: [WIRE_VARINT, (f) => (spec.padId = f.int32)],
      45: [WIRE_BYTES, (f) => (spec.unkPiece = fieldString(f, "trainer_spec.unk_piece"))],
    });
  return spec;
}

function readNormalizerSpec(chunks: Uint8Array[]): NormalizerSpec {
  const spec: NormalizerSpec = {
    name: "",
    precompiledCharsmapBytes: 0,
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  for (const bytes of chunks)
    readMessage(bytes, "normalizer_spec", {
      1: [WIRE_BYTES, (f) => (spec.name = fieldString(f, "normalizer_spec.name"))],
      2: [WIRE_BYTES, (f) => (spec.precompiledCharsmapBytes = f.bytes.length)],
      3: [WIRE_VARINT, (f) => (spec.addDummyPrefix = f.nonzero)],
      4: [WIRE_VARINT, (f) => (spec.removeExtraWhitespaces = f.nonzero)],
      5: [WIRE_VARINT, (f) => (spec.escapeWhitespaces = f.nonzero)],
    });
  return spec;
}

/** Parses a tokenizer.model's bytes; `path` names the file in errors. */
export function parseSentencePieceModel(bytes: Uint8Array, path: string): SentencePieceModel {
  const pieces: SentencePiece[] = [];
  const trainer: Uint8Array[] = [];
  const normalizer: Uint8Array[] = [];
  try {
    readMessage(bytes, "ModelProto", {
      1: [
        WIRE_BYTES,
        (f) => {
          if (pieces.length >= MAX_PIECES) throw new ProtobufError(`more than ${MAX_PIECES} pieces`);
          pieces.push(readPiece(f.bytes, pieces.length));
        },
      ],
      // A message field given more than once is merged, later values winning, as protobuf parsers do.
      2: [WIRE_BYTES, (f) => trainer.push(f.bytes)],
      3: [WIRE_BYTES, (f) => normalizer.push(f.bytes)],
    });
    if (pieces.length === 0) throw new ProtobufError("no pieces (is this a SentencePiece model?)");
    const model: SentencePieceModel = {
      pieces,
      trainerSpec: readTrainerSpec(trainer),
      normalizerSpec: readNormalizerSpec(normalizer),
    };
    checkPieces(model);
    return model;
  } catch (err) {
    if (err instanceof ProtobufError)
      throw new Error(`${path}: not a readable SentencePiece model: ${err.message}`);
    throw err;
  }
}

/** What SentencePiece checks when it loads a model: unique pieces, one UNKNOWN piece, at unk_id, named unk_piece. */
function checkPieces({ pieces, trainerSpec }: SentencePieceModel): void {
  const seen = new Map<string, number>();
  pieces.forEach((p, i) => {
    const first = seen.get(p.piece);
    if (first !== undefined)
      throw new ProtobufError(`pieces[${i}] ${JSON.stringify(p.piece)} repeats pieces[${first}]`);
    seen.set(p.piece, i);
  });
  const { unkId } = trainerSpec;
  const unknown = pieces.flatMap((p, i) => (p.type === PieceType.unknown ? [i] : []));
  if (unknown.length !== 1 || unknown[0] !== unkId)
    throw new ProtobufError(
      `trainer_spec.unk_id is ${unkId}, but the pieces of type UNKNOWN are at [${unknown.join(", ")}]; exactly one is expected there`,
    );
  if (pieces[unkId].piece !== trainerSpec.unkPiece)
    throw new ProtobufError(
      `trainer_spec.unk_piece ${JSON.stringify(trainerSpec.unkPiece)} is not the UNKNOWN piece ${JSON.stringify(pieces[unkId].piece)}`,
    );
}
