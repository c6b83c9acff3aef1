// The addon's module: every kernel of the spec (bindings.generated.h), and the controls that are not kernels
// (MPI's collectives among them, when the build found MPI: mpi.cc).
#include <napi.h>

#include "bindings.generated.h"
#include "cpu.h"
#include "interrupt.h"
#include "mpi.h"
#include "thread_pool.h"

namespace lntune {

namespace {

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isa_name(detected_isa()));
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ThreadPool::instance().size());
}

void SetThreads(const Napi::CallbackInfo& info) {
  Args a(info, 1);
  const int64_t n = a.integer(0);
  if (a.ok()) ThreadPool::instance().resize(static_cast<int>(n < 1 ? 1 : n > 1024 ? 1024 : n));
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
  fn("interruptGuard", InterruptGuard);
  register_kernels(env, exports);
  register_mpi(env, exports);
  return exports;
}

}  // namespace

}  // namespace lntune

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return lntune::Init(env, exports); }

// Node's module macro defines its version hook without a declaration.
#pragma GCC diagnostic ignored "-Wmissing-declarations"
NODE_API_MODULE(lntune_native, InitModule)
