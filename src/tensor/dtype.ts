// Storage dtypes as the layers above the tensor see them: the names, the table of their traits, and the
// conversions between f32 and the 16-bit formats that checkpoint files store.
export { DTYPES, isStorageDtype, type StorageDtype } from "../backend/dtypes.ts";
export { f32ToHalf, halfToF32 } from "../backend/half.ts";
