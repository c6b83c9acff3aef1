// The vocabulary of the kernel spec (kernel_spec.ts): the kinds of argument a kernel takes, the TypeScript
// value each kind is given as, and how long a buffer must be. tools/gen_native_headers.ts turns the same
// descriptions into C++ parameters and N-API bindings, and check_args.ts into argument checks.
import type { StorageArray, StorageDtype } from "./dtypes.ts";

/** A kernel's scalar arguments by name, as numbers (flags as 0/1, choices and dtypes as their index), with
 * the fields of a struct argument among them and `rank`, the length shared by its dims arguments. */
export type Vals = Readonly<Record<string, number>>;
/** A kernel's dims arguments (shapes and strides) by name. */
export type DimVals = Readonly<Record<string, Int32Array>>;
/** Elements a buffer must hold at least (values, for a buffer stored in the kernel's dtype argument). */
export type Len = (v: Vals, d: DimVals) => number;

/** f32, i32, u8, u32: a typed array of that element; stored: the storage of the kernel's dtype argument. */
export type BufElem = "f32" | "i32" | "u8" | "u32" | "stored";

interface Named<N extends string> {
  readonly name: N;
  /** The C++ name, when it is not the snake_case of name. */
  readonly c?: string;
}

export interface BufArg<
  N extends string = string,
  E extends BufElem = BufElem,
  Null extends boolean = boolean,
> extends Named<N> {
  readonly kind: "buf";
  readonly elem: E;
  readonly nullable: Null;
  /** Written by the kernel (it may read it too). */
  readonly out: boolean;
  readonly len: Len;
}
/** An Int32Array of one entry per axis; every dims argument of a kernel has the same length. */
export interface DimsArg<N extends string = string> extends Named<N> {
  readonly kind: "dims";
}
export interface IntArg<N extends string = string> extends Named<N> {
  readonly kind: "int";
  /** Negative values allowed (otherwise a count: a non-negative integer). */
  readonly signed: boolean;
  readonly cType: "int64_t" | "int32_t";
}
export interface NumArg<N extends string = string> extends Named<N> {
  readonly kind: "num";
  readonly cType: "float" | "double";
}
export interface FlagArg<N extends string = string> extends Named<N> {
  readonly kind: "flag";
}
/** One of a fixed list of names; C++ gets an enum class `type` with one value per name, in order. */
export interface ChoiceArg<N extends string = string, V extends readonly string[] = readonly string[]>
  extends Named<N> {
  readonly kind: "choice";
  readonly type: string;
  readonly values: V;
}
export interface DtypeArg<N extends string = string> extends Named<N> {
  readonly kind: "dtype";
}
export type FieldArg = BufArg | IntArg | NumArg | FlagArg;
/** An object of fields; C++ gets a struct `type` passed by const reference. */
export interface StructArg<N extends string = string, F extends readonly FieldArg[] = readonly FieldArg[]>
  extends Named<N> {
  readonly kind: "struct";
  readonly type: string;
  /** What the struct describes; also the comment above its C++ definition. */
  readonly doc: string;
  readonly fields: F;
}
export type Arg = FieldArg | DimsArg | ChoiceArg | DtypeArg | StructArg;

export interface KernelSpec {
  /** What the kernel computes; also the comment above its C++ declaration. */
  readonly doc: string;
  readonly args: readonly Arg[];
  /** index: the first invalid position or −1 (the kernel computes nothing when it finds one);
   * f64: a double result. Absent: nothing. */
  readonly returns?: "index" | "f64";
  /** Constraints between scalar arguments beyond their kinds: an error message, or null. */
  readonly check?: (v: Vals, d: DimVals) => string | null;
}

type BufValue<E extends BufElem> = E extends "f32"
  ? Float32Array
  : E extends "i32"
    ? Int32Array
    : E extends "u8"
      ? Uint8Array
      : E extends "u32"
        ? Uint32Array
        : StorageArray;

/** The TypeScript value of an argument. */
export type ArgValue<A> =
  A extends BufArg<string, infer E, infer Null>
    ? BufValue<E> | (Null extends true ? null : never)
    : A extends DimsArg
      ? Int32Array
      : A extends IntArg | NumArg
        ? number
        : A extends FlagArg
          ? boolean
          : A extends ChoiceArg<string, infer V>
            ? V[number]
            : A extends DtypeArg
              ? StorageDtype
              : A extends StructArg<string, infer F>
                ? StructValue<F>
                : never;

export type StructValue<F extends readonly FieldArg[]> = { [A in F[number] as A["name"]]: ArgValue<A> };

export type ArgValues<A extends readonly Arg[]> = { -readonly [I in keyof A]: ArgValue<A[I]> };

export type KernelFn<S extends KernelSpec> = (
  ...args: ArgValues<S["args"]>
) => S["returns"] extends string ? number : void;

// Builders, so the spec reads as a list of typed parameters.

const buf = <const N extends string, const E extends BufElem, const Null extends boolean>(
  name: N,
  elem: E,
  nullable: Null,
  out: boolean,
  len: Len,
): BufArg<N, E, Null> => ({ kind: "buf", name, elem, nullable, out, len });

export const input = <const N extends string, const E extends BufElem>(name: N, elem: E, len: Len) =>
  buf(name, elem, false, false, len);
export const optionalInput = <const N extends string, const E extends BufElem>(name: N, elem: E, len: Len) =>
  buf(name, elem, true, false, len);
export const output = <const N extends string, const E extends BufElem>(name: N, elem: E, len: Len) =>
  buf(name, elem, false, true, len);
export const optionalOutput = <const N extends string, const E extends BufElem>(name: N, elem: E, len: Len) =>
  buf(name, elem, true, true, len);
export const dims = <const N extends string>(name: N): DimsArg<N> => ({ kind: "dims", name });
export const count = <const N extends string>(name: N, c?: string): IntArg<N> => ({
  kind: "int",
  name,
  c,
  signed: false,
  cType: "int64_t",
});
export const int = <const N extends string>(name: N, cType: IntArg["cType"] = "int64_t"): IntArg<N> => ({
  kind: "int",
  name,
  signed: true,
  cType,
});
export const f32 = <const N extends string>(name: N): NumArg<N> => ({ kind: "num", name, cType: "float" });
export const f64 = <const N extends string>(name: N): NumArg<N> => ({ kind: "num", name, cType: "double" });
export const flag = <const N extends string>(name: N): FlagArg<N> => ({ kind: "flag", name });
export const choice = <const N extends string, const V extends readonly string[]>(
  name: N,
  type: string,
  values: V,
): ChoiceArg<N, V> => ({ kind: "choice", name, type, values });
export const dtype = <const N extends string>(name: N): DtypeArg<N> => ({ kind: "dtype", name });
export const struct = <const N extends string, const F extends readonly FieldArg[]>(
  name: N,
  type: string,
  doc: string,
  fields: F,
): StructArg<N, F> => ({ kind: "struct", name, type, doc, fields });

/** Elements a rows×cols matrix with row stride ld spans. */
export function extent(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/** Elements a strided view of `shape` spans (0 when empty). */
export function stridedExtent(shape: Int32Array, strides: Int32Array): number {
  let last = 0;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 0) return 0;
    last += (shape[i] - 1) * strides[i];
  }
  return last + 1;
}

export function numelOf(shape: Int32Array): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
