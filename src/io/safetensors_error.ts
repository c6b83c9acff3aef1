// Errors about safetensors files and checkpoints. `code` names the category so callers and tests can
// tell a truncated download from a hostile header without parsing messages; the message always names
// the file and, where one is involved, the tensor.

export type SafetensorsErrorCode =
  | "too_short" // fewer than 8 bytes
  | "header_length" // header length 0, over the cap, or past the end of the file
  | "header_json" // header not UTF-8, not JSON, or not a JSON object
  | "duplicate" // a tensor name given twice
  | "metadata" // __metadata__ not a string → string map
  | "entry" // a tensor entry missing dtype/shape/data_offsets or with wrong types
  | "dtype" // unknown dtype
  | "shape" // a dim negative, fractional or beyond 2^53
  | "size" // numel × dtype size ≠ end − begin
  | "offsets" // begin > end, overlapping, holes or trailing bytes in the data section
  | "truncated" // a tensor ends past the end of the file
  | "not_found" // no such tensor / file
  | "index" // model.safetensors.index.json malformed or inconsistent
  | "write"; // a tensor handed to the writer is inconsistent

export class SafetensorsError extends Error {
  readonly code: SafetensorsErrorCode;
  readonly file: string;
  readonly tensor: string | null;

  constructor(code: SafetensorsErrorCode, file: string, tensor: string | null, detail: string) {
    super(tensor === null ? `${file}: ${detail}` : `${file}: tensor "${tensor}": ${detail}`);
    this.name = "SafetensorsError";
    this.code = code;
    this.file = file;
    this.tensor = tensor;
  }
}
