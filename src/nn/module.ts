// Module and Parameter: named parameters found by walking a module's fields (so names follow the field
// names, which mirror Hugging Face's module paths), freezing, and state dicts by name.
import { Tensor } from "../tensor/tensor.ts";

/** A trainable tensor. Frozen parameters may hold bf16/f16 storage; trainable ones are f32. */
export class Parameter extends Tensor {
  /** The dtype its checkpoint stores it in: a half weight made trainable is widened to f32 for training and
   * saved back in this dtype. */
  checkpointDtype: Tensor["dtype"];

  constructor(data: Float32Array | Uint16Array, shape: readonly number[], dtype: Tensor["dtype"] = "f32") {
    super(data, shape, dtype);
    this.requiresGrad = dtype === "f32";
    this.checkpointDtype = dtype;
  }
}

export abstract class Module {
  training = true;

  /** Fields holding a part whose parameters keep the names they have on their own (no field-name prefix):
   * a composite model built from whole models names their weights as those models do. */
  protected inlined(_field: string): boolean {
    return false;
  }

  private childName(prefix: string, key: string): string {
    if (this.inlined(key)) return prefix;
    return prefix ? `${prefix}.${key}` : key;
  }

  /** (name, parameter) pairs in field order, depth first; arrays of modules are numbered like nn.ModuleList. */
  namedParameters(prefix = ""): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [key, value] of Object.entries(this)) {
      const name = this.childName(prefix, key);
      if (value instanceof Parameter) out.push([name, value]);
      else if (value instanceof Module) out.push(...value.namedParameters(name));
      else if (Array.isArray(value))
        value.forEach((m, i) => {
          if (m instanceof Module) out.push(...m.namedParameters(`${name}.${i}`));
        });
    }
    return out;
  }

  /** (name, module) pairs, this module first with name prefix; an inlined part carries its parent's name. */
  namedModules(prefix = ""): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [key, value] of Object.entries(this)) {
      const name = this.childName(prefix, key);
      if (value instanceof Module) out.push(...value.namedModules(name));
      else if (Array.isArray(value))
        value.forEach((m, i) => {
          if (m instanceof Module) out.push(...m.namedModules(`${name}.${i}`));
        });
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Sets requiresGrad on every parameter (trainable ones must be f32). */
  requiresGrad(on: boolean): this {
    for (const p of this.parameters()) setTrainable(p, on);
    return this;
  }

  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  stateDict(): Map<string, Parameter> {
    return new Map(this.namedParameters());
  }

  /** Replaces parameter contents by name. Shapes must match; with strict, every parameter must be given
   * and every given name must exist. Returns the names that were not used. */
  loadStateDict(tensors: Map<string, Tensor>, strict = true): string[] {
    const params = this.stateDict();
    const missing = [...params.keys()].filter((n) => !tensors.has(n));
    const unexpected = [...tensors.keys()].filter((n) => !params.has(n));
    if (strict && (missing.length || unexpected.length))
      throw new Error(
        `state dict mismatch: missing [${missing.join(", ")}], unexpected [${unexpected.join(", ")}]`,
      );
    for (const [name, t] of tensors) {
      const p = params.get(name);
      if (!p) continue;
      if (p.shape.join() !== t.shape.join())
        throw new Error(`${name}: checkpoint shape [${t.shape}] does not match the model's [${p.shape}]`);
      p.storage = t.storage;
      p.checkpointDtype = t.dtype;
      if (p.dtype !== "f32") p.requiresGrad = false;
    }
    return unexpected;
  }
}

/** Making a half-stored parameter trainable widens it to f32 (the optimizer needs f32 master weights). */
export function setTrainable(p: Parameter, on: boolean): void {
  if (on && p.dtype !== "f32") {
    p.storage = p.storedAs("f32");
  }
  p.requiresGrad = on;
  if (!on) p.grad = null;
}
