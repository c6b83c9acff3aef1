// N-API bindings. Typed arrays are passed by pointer (their byteOffset honoured), never copied; the
// TypeScript wrapper (src/backend/native.ts) checks the lengths, this file checks the types.
#include <napi.h>

#include <string>

#include "cpu.h"
#include "gemm.h"
#include "interrupt.h"
#include "kernels.h"
#include "thread_pool.h"

namespace lntune {

namespace {

class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info) : info_(info) {}

  float* f32(size_t i) { return typed<float>(i, napi_float32_array, "Float32Array", false); }
  float* f32_or_null(size_t i) { return typed<float>(i, napi_float32_array, "Float32Array", true); }
  uint16_t* u16(size_t i) { return typed<uint16_t>(i, napi_uint16_array, "Uint16Array", false); }
  int32_t* i32(size_t i) { return typed<int32_t>(i, napi_int32_array, "Int32Array", false); }
  uint8_t* u8_or_null(size_t i) { return typed<uint8_t>(i, napi_uint8_array, "Uint8Array", true); }

  double num(size_t i) {
    if (!info_[i].IsNumber()) return fail(i, "a number"), 0.0;
    return info_[i].As<Napi::Number>().DoubleValue();
  }
  int64_t int64(size_t i) {
    if (!info_[i].IsNumber()) return fail(i, "a number"), 0;
    return info_[i].As<Napi::Number>().Int64Value();
  }
  bool flag(size_t i) { return info_[i].ToBoolean().Value(); }

  bool ok() const { return !failed_; }
  Napi::Env env() const { return info_.Env(); }

 private:
  template <class T>
  T* typed(size_t i, napi_typedarray_type type, const char* name, bool nullable) {
    const Napi::Value v = info_[i];
    if (nullable && v.IsNull()) return nullptr;
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) return fail(i, name), nullptr;
    return v.As<Napi::TypedArrayOf<T>>().Data();
  }
  void fail(size_t i, const char* what) {
    if (failed_) return;
    failed_ = true;
    Napi::TypeError::New(info_.Env(), "argument " + std::to_string(i) + " must be " + what)
        .ThrowAsJavaScriptException();
  }

  const Napi::CallbackInfo& info_;
  bool failed_ = false;
};

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isa_name(detected_isa()));
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ThreadPool::instance().size());
}

void SetThreads(const Napi::CallbackInfo& info) {
  Args a(info);
  const int64_t n = a.int64(0);
  if (a.ok()) ThreadPool::instance().resize(static_cast<int>(n < 1 ? 1 : n > 1024 ? 1024 : n));
}

// sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, bType (0 f32, 1 bf16, 2 f16), beta, C, ldc)
void Sgemm(const Napi::CallbackInfo& info) {
  Args a(info);
  Gemm g;
  g.trans_a = a.flag(0);
  g.trans_b = a.flag(1);
  g.m = a.int64(2);
  g.n = a.int64(3);
  g.k = a.int64(4);
  g.alpha = static_cast<float>(a.num(5));
  g.a = a.f32(6);
  g.lda = a.int64(7);
  const int64_t bt = a.int64(10);
  g.b_type = bt == 1 ? BType::BF16 : bt == 2 ? BType::F16 : BType::F32;
  g.b = g.b_type == BType::F32 ? static_cast<const void*>(a.f32(8)) : static_cast<const void*>(a.u16(8));
  g.ldb = a.int64(9);
  g.beta = static_cast<float>(a.num(11));
  g.c = a.f32(12);
  g.ldc = a.int64(13);
  if (a.ok()) sgemm(g);
}

void RmsNormForward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *x = a.f32(0), *w = a.f32(1), *y = a.f32(2), *rstd = a.f32(3);
  const int64_t rows = a.int64(4), cols = a.int64(5);
  const float eps = static_cast<float>(a.num(6));
  if (a.ok()) rms_norm_forward(x, w, y, rstd, rows, cols, eps);
}

void RmsNormBackward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *dy = a.f32(0), *x = a.f32(1), *w = a.f32(2), *rstd = a.f32(3), *dx = a.f32(4), *dw = a.f32_or_null(5);
  const int64_t rows = a.int64(6), cols = a.int64(7);
  if (a.ok()) rms_norm_backward(dy, x, w, rstd, dx, dw, rows, cols);
}

void LayerNormForward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *x = a.f32(0), *w = a.f32(1), *b = a.f32(2), *y = a.f32(3), *mean = a.f32(4), *rstd = a.f32(5);
  const int64_t rows = a.int64(6), cols = a.int64(7);
  const float eps = static_cast<float>(a.num(8));
  if (a.ok()) layer_norm_forward(x, w, b, y, mean, rstd, rows, cols, eps);
}

void LayerNormBackward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *dy = a.f32(0), *x = a.f32(1), *w = a.f32(2), *mean = a.f32(3), *rstd = a.f32(4), *dx = a.f32(5);
  float *dw = a.f32_or_null(6), *db = a.f32_or_null(7);
  const int64_t rows = a.int64(8), cols = a.int64(9);
  if (a.ok()) layer_norm_backward(dy, x, w, mean, rstd, dx, dw, db, rows, cols);
}

void SoftmaxForward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *x = a.f32(0), *y = a.f32(1);
  const int64_t rows = a.int64(2), cols = a.int64(3);
  if (a.ok()) softmax_forward(x, y, rows, cols);
}

void SoftmaxBackward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *dy = a.f32(0), *y = a.f32(1), *dx = a.f32(2);
  const int64_t rows = a.int64(3), cols = a.int64(4);
  if (a.ok()) softmax_backward(dy, y, dx, rows, cols);
}

// The attention shape follows the tensors: B, Tq, Tk, Hq, Hkv, D, scale, causal, qOffset, keyMask.
AttentionShape read_shape(Args& a, size_t at) {
  AttentionShape s;
  s.batch = a.int64(at);
  s.tq = a.int64(at + 1);
  s.tk = a.int64(at + 2);
  s.hq = a.int64(at + 3);
  s.hkv = a.int64(at + 4);
  s.d = a.int64(at + 5);
  s.scale = static_cast<float>(a.num(at + 6));
  s.causal = a.flag(at + 7);
  s.q_offset = a.int64(at + 8);
  s.key_mask = a.u8_or_null(at + 9);
  return s;
}

void AttentionForward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *q = a.f32(0), *k = a.f32(1), *v = a.f32(2), *o = a.f32(3), *lse = a.f32(4);
  const AttentionShape s = read_shape(a, 5);
  if (a.ok()) attention_forward(q, k, v, o, lse, s);
}

void AttentionBackward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *q = a.f32(0), *k = a.f32(1), *v = a.f32(2), *o = a.f32(3), *lse = a.f32(4), *d_o = a.f32(5);
  float *dq = a.f32(6), *dk = a.f32(7), *dv = a.f32(8);
  const AttentionShape s = read_shape(a, 9);
  if (a.ok()) attention_backward(q, k, v, o, lse, d_o, dq, dk, dv, s);
}

void Rope(const Napi::CallbackInfo& info) {
  Args a(info);
  float *x = a.f32(0), *cos = a.f32(1), *sin = a.f32(2);
  const int64_t n = a.int64(3), h = a.int64(4), d = a.int64(5);
  const bool inverse = a.flag(6);
  if (a.ok()) rope(x, cos, sin, n, h, d, inverse);
}

void SwigluForward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *gate = a.f32(0), *up = a.f32(1), *out = a.f32(2);
  const int64_t n = a.int64(3);
  if (a.ok()) swiglu_forward(gate, up, out, n);
}

void SwigluBackward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *gate = a.f32(0), *up = a.f32(1), *dout = a.f32(2), *dgate = a.f32(3), *dup = a.f32(4);
  const int64_t n = a.int64(5);
  if (a.ok()) swiglu_backward(gate, up, dout, dgate, dup, n);
}

// GELU kind: 0 erf, 1 tanh, 2 quick.
GeluKind gelu_kind(int64_t k) { return k == 1 ? GeluKind::Tanh : k == 2 ? GeluKind::Quick : GeluKind::Erf; }

void GeluForward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *x = a.f32(0), *y = a.f32(1);
  const int64_t n = a.int64(2), kind = a.int64(3);
  if (a.ok()) gelu_forward(x, y, n, gelu_kind(kind));
}

void GeluBackward(const Napi::CallbackInfo& info) {
  Args a(info);
  float *x = a.f32(0), *dy = a.f32(1), *dx = a.f32(2);
  const int64_t n = a.int64(3), kind = a.int64(4);
  if (a.ok()) gelu_backward(x, dy, dx, n, gelu_kind(kind));
}

void CrossEntropyForward(const Napi::CallbackInfo& info) {
  Args a(info);
  float* logits = a.f32(0);
  int32_t* labels = a.i32(1);
  float *loss = a.f32(2), *lse = a.f32(3);
  const int64_t rows = a.int64(4), v = a.int64(5);
  const int32_t ignore = static_cast<int32_t>(a.int64(6));
  if (!a.ok()) return;
  const int64_t bad = cross_entropy_forward(logits, labels, loss, lse, rows, v, ignore);
  if (bad >= 0)
    Napi::RangeError::New(info.Env(), "label " + std::to_string(labels[bad]) + " of row " + std::to_string(bad) +
                                          " outside [0, " + std::to_string(v) + ")")
        .ThrowAsJavaScriptException();
}

void CrossEntropyBackward(const Napi::CallbackInfo& info) {
  Args a(info);
  float* logits = a.f32(0);
  int32_t* labels = a.i32(1);
  float *lse = a.f32(2), *dlogits = a.f32(3);
  const float scale = static_cast<float>(a.num(4));
  const int64_t rows = a.int64(5), v = a.int64(6);
  const int32_t ignore = static_cast<int32_t>(a.int64(7));
  if (a.ok()) cross_entropy_backward(logits, labels, lse, dlogits, scale, rows, v, ignore);
}

void AdamW(const Napi::CallbackInfo& info) {
  Args a(info);
  float *param = a.f32(0), *grad = a.f32(1), *m = a.f32(2), *v = a.f32(3);
  const int64_t n = a.int64(4);
  const double lr = a.num(5), beta1 = a.num(6), beta2 = a.num(7), eps = a.num(8), wd = a.num(9);
  const int64_t step = a.int64(10);
  if (a.ok()) adamw(param, grad, m, v, n, lr, beta1, beta2, eps, wd, step);
}

Napi::Value InterruptGuard(const Napi::CallbackInfo& info) {
  if (info[0].IsBoolean()) {
    if (info[0].ToBoolean().Value())
      arm_interrupt_guard();
    else
      disarm_interrupt_guard();
  }
  return Napi::Number::New(info.Env(), interrupts_received());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const auto fn = [&](const char* name, auto f) { exports.Set(name, Napi::Function::New(env, f, name)); };
  fn("isa", Isa);
  fn("threads", Threads);
  fn("setThreads", SetThreads);
  fn("sgemm", Sgemm);
  fn("rmsNormForward", RmsNormForward);
  fn("rmsNormBackward", RmsNormBackward);
  fn("layerNormForward", LayerNormForward);
  fn("layerNormBackward", LayerNormBackward);
  fn("softmaxForward", SoftmaxForward);
  fn("softmaxBackward", SoftmaxBackward);
  fn("attentionForward", AttentionForward);
  fn("attentionBackward", AttentionBackward);
  fn("rope", Rope);
  fn("swigluForward", SwigluForward);
  fn("swigluBackward", SwigluBackward);
  fn("geluForward", GeluForward);
  fn("geluBackward", GeluBackward);
  fn("crossEntropyForward", CrossEntropyForward);
  fn("crossEntropyBackward", CrossEntropyBackward);
  fn("adamw", AdamW);
  fn("interruptGuard", InterruptGuard);
  return exports;
}

}  // namespace

}  // namespace lntune

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return lntune::Init(env, exports); }

NODE_API_MODULE(lntune_native, InitModule)
