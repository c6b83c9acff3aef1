// The tensor layer's public surface.
export { backward, isGradEnabled, noGrad } from "./autograd.ts";
export { gelu, silu, swiglu } from "./ops/activations.ts";
export { add, div, mul, scale, sub } from "./ops/arithmetic.ts";
export { type AttentionOptions, attention } from "./ops/attention.ts";
export { dropout } from "./ops/dropout.ts";
export { embedding } from "./ops/embedding.ts";
export { linearCrossEntropy } from "./ops/linear_cross_entropy.ts";
export { crossEntropy, IGNORE_INDEX } from "./ops/loss.ts";
export { linear, matmul } from "./ops/matmul.ts";
export { layerNorm, rmsNorm, softmax } from "./ops/norms.ts";
export { mean, sum } from "./ops/reduce.ts";
export { rope } from "./ops/rope.ts";
export { concat, indexSelect, permute, reshape, slice, transpose } from "./ops/shape.ts";
export { Rng } from "./rng.ts";
export { full, numel, type Shape, scalar, Tensor, tensor, zeros } from "./tensor.ts";
