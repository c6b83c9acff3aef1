// Errors about PyTorch checkpoint files (torch.save's zip format). `code` names the category so callers and
// tests can tell a truncated download from a hostile pickle without parsing messages; the message always
// names the file and, where one is involved, the tensor.

export type TorchFileErrorCode =
  | "not_zip" // neither a zip archive nor a legacy torch file
  | "legacy" // the pre-1.6 (non-zip) torch.save format
  | "truncated" // the archive or one of its entries ends before it should
  | "zip" // a malformed zip structure (signatures, sizes, offsets, encryption, compression method)
  | "archive" // a zip, but not what torch.save writes (no data.pkl, a TorchScript archive, missing storage)
  | "byteorder" // tensors stored big-endian, or an unreadable byteorder record
  | "pickle" // data.pkl malformed or using an opcode a state dict never needs
  | "global" // data.pkl names a Python object other than the tensors, storages and containers allowed
  | "not_state_dict" // the file holds something other than a dict of tensors
  | "tensor"; // a tensor's storage, dtype or view is inconsistent

export class TorchFileError extends Error {
  readonly code: TorchFileErrorCode;
  readonly file: string;
  readonly tensor: string | null;

  constructor(code: TorchFileErrorCode, file: string, tensor: string | null, detail: string) {
    super(tensor === null ? `${file}: ${detail}` : `${file}: tensor "${tensor}": ${detail}`);
    this.name = "TorchFileError";
    this.code = code;
    this.file = file;
    this.tensor = tensor;
  }
}
