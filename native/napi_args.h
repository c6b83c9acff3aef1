// Reading a kernel's positional N-API arguments with their types checked. Typed arrays are passed by
// pointer (their byteOffset honoured), never copied; their lengths have been checked in TypeScript
// (src/backend/check_args.ts). The first wrong argument throws a TypeError and makes ok() false.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "kernels.generated.h"

namespace lntune {

class Args {
 public:
  Args(const Napi::CallbackInfo& info, size_t count) : info_(info) {
    if (info.Length() < count)
      throw_type_error("expected " + std::to_string(count) + " arguments, got " + std::to_string(info.Length()));
  }

  float* f32(size_t i, bool nullable) { return typed<float>(i, napi_float32_array, "a Float32Array", nullable); }
  int32_t* i32(size_t i, bool nullable) { return typed<int32_t>(i, napi_int32_array, "an Int32Array", nullable); }
  uint8_t* u8(size_t i, bool nullable) { return typed<uint8_t>(i, napi_uint8_array, "a Uint8Array", nullable); }
  uint32_t* u32(size_t i, bool nullable) {
    return typed<uint32_t>(i, napi_uint32_array, "a Uint32Array", nullable);
  }
  // A buffer whose array type is the storage of the call's dtype.
  void* stored(size_t i, napi_typedarray_type type, bool nullable) {
    return typed<uint8_t>(i, type, "the storage of its dtype", nullable);
  }
  Dims dims(size_t i) {
    const Napi::Value v = info_[i];
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      return fail(i, "an Int32Array"), Dims{nullptr, 0};
    const auto a = v.As<Napi::Int32Array>();
    return Dims{a.Data(), static_cast<int64_t>(a.ElementLength())};
  }

  double number(size_t i) {
    if (!info_[i].IsNumber()) return fail(i, "a number"), 0.0;
    return info_[i].As<Napi::Number>().DoubleValue();
  }
  int64_t integer(size_t i) {
    if (!info_[i].IsNumber()) return fail(i, "a number"), 0;
    return info_[i].As<Napi::Number>().Int64Value();
  }
  bool flag(size_t i) { return info_[i].ToBoolean().Value(); }
  // An enum value given as its index in [0, count).
  int choice(size_t i, int count) {
    const int64_t k = integer(i);
    if (ok() && (k < 0 || k >= count)) return fail(i, "a valid choice"), 0;
    return static_cast<int>(k);
  }

  bool ok() const { return !failed_; }
  Napi::Env env() const { return info_.Env(); }

 private:
  template <class T>
  T* typed(size_t i, napi_typedarray_type type, const char* name, bool nullable) {
    const Napi::Value v = info_[i];
    if (nullable && v.IsNull()) return nullptr;
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) return fail(i, name), nullptr;
    const auto a = v.As<Napi::TypedArray>();
    return reinterpret_cast<T*>(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
  }
  void fail(size_t i, const char* what) { throw_type_error("argument " + std::to_string(i) + " must be " + what); }
  void throw_type_error(const std::string& message) {
    if (failed_) return;
    failed_ = true;
    Napi::TypeError::New(info_.Env(), message).ThrowAsJavaScriptException();
  }

  const Napi::CallbackInfo& info_;
  bool failed_ = false;
};

}  // namespace lntune
