// Argument checks from the kernel spec, run before every kernel call of every backend: each argument has its
// kind (a count is a non-negative safe integer, a buffer the right typed array), the spec's constraints hold,
// and every buffer holds at least the elements the call will touch. So a wrong size throws instead of reading
// or writing out of bounds in the addon, and the errors are the same whichever backend runs.
import {
  holdsDtype,
  isStorageDtype,
  STORAGE_DTYPES,
  type StorageDtype,
  storageClass,
  storageLength,
} from "./dtypes.ts";
import type { Arg, BufArg, BufElem, DimVals, KernelSpec, Vals } from "./kernel_args.ts";

const ARRAY_OF: Record<Exclude<BufElem, "stored">, { new (n: number): ArrayLike<number>; name: string }> = {
  f32: Float32Array,
  i32: Int32Array,
  u8: Uint8Array,
  u32: Uint32Array,
};

const INT32_MAX = 2 ** 31 - 1;

/** A function that throws a TypeError or RangeError naming the kernel and argument when args do not fit. */
export function argChecker(kernel: string, spec: KernelSpec): (args: readonly unknown[]) => void {
  const dtypeArg = spec.args.find((a) => a.kind === "dtype")?.name;
  const fail = (Err: typeof TypeError, message: string): never => {
    throw new Err(`${kernel}: ${message}`);
  };
  return (args) => {
    const v: Record<string, number> = {};
    const d: Record<string, Int32Array> = {};
    const bufs: Array<[BufArg, unknown, string]> = [];
    const visit = (a: Arg, x: unknown, label: string): void => {
      switch (a.kind) {
        case "buf":
          bufs.push([a, x, label]);
          return;
        case "int":
          if (!Number.isSafeInteger(x) || (!a.signed && (x as number) < 0))
            fail(RangeError, `${label} must be ${a.signed ? "an" : "a non-negative"} integer, got ${x}`);
          if (a.cType === "int32_t" && Math.abs(x as number) > INT32_MAX)
            fail(RangeError, `${label} ${x} does not fit 32 bits`);
          v[a.name] = x as number;
          return;
        case "num":
          if (typeof x !== "number") fail(TypeError, `${label} must be a number, got ${typeof x}`);
          v[a.name] = x as number;
          return;
        case "flag":
          if (typeof x !== "boolean") fail(TypeError, `${label} must be a boolean, got ${typeof x}`);
          v[a.name] = x ? 1 : 0;
          return;
        case "choice": {
          const at = a.values.indexOf(x as string);
          if (at < 0) fail(TypeError, `${label} must be one of ${a.values.join(", ")}, got ${x}`);
          v[a.name] = at;
          return;
        }
        case "dtype":
          if (!isStorageDtype(x)) fail(TypeError, `${label}: unknown dtype ${x}`);
          v[a.name] = STORAGE_DTYPES.indexOf(x as StorageDtype);
          return;
        case "dims":
          if (!(x instanceof Int32Array)) fail(TypeError, `${label} must be an Int32Array`);
          for (const e of x as Int32Array) if (e < 0) fail(RangeError, `${label} has a negative entry ${e}`);
          if (v.rank === undefined) v.rank = (x as Int32Array).length;
          else if ((x as Int32Array).length !== v.rank)
            fail(
              RangeError,
              `${label} has ${(x as Int32Array).length} entries, the other dims have ${v.rank}`,
            );
          d[a.name] = x as Int32Array;
          return;
        case "struct":
          if (typeof x !== "object" || x === null) fail(TypeError, `${label} must be an object`);
          for (const f of a.fields) visit(f, (x as Record<string, unknown>)[f.name], `${label}.${f.name}`);
          return;
      }
    };
    for (const [i, a] of spec.args.entries()) visit(a, args[i], a.name);
    const problem = spec.check?.(v as Vals, d as DimVals);
    if (problem) fail(RangeError, problem);
    for (const [a, x, label] of bufs) {
      if (x === null) {
        if (!a.nullable) fail(TypeError, `${label} must not be null`);
        continue;
      }
      let need = a.len(v, d);
      if (a.elem === "stored") {
        const dt = STORAGE_DTYPES[v[dtypeArg!]];
        if (!holdsDtype(x, dt))
          fail(TypeError, `${label} must be a ${storageClass(dt).name} for dtype ${dt}`);
        need = storageLength(dt, need);
      } else if (!(x instanceof ARRAY_OF[a.elem]))
        fail(TypeError, `${label} must be a ${ARRAY_OF[a.elem].name}`);
      const have = (x as ArrayLike<number>).length;
      if (have < need) fail(RangeError, `${label} has ${have} elements, needs ${need}`);
    }
  };
}
