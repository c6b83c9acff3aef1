// The MPI collectives data-parallel training and evaluation use (see mpi.h), over MPI_COMM_WORLD from the
// JavaScript main thread only (MPI_THREAD_FUNNELED; the kernel thread pool never calls MPI). MPI's default
// error handler stays in place: a failed collective (a rank that died) aborts the whole job rather than
// returning, so no rank waits forever on a peer that is gone.
#include "mpi.h"

#ifdef LNTUNE_MPI

// MPI's deprecated C++ bindings would need their own library; only the C API is used.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace lntune {

namespace {

// MPI counts are ints: large buffers go in pieces of at most this many elements.
constexpr int64_t kChunk = int64_t{1} << 30;

bool initialized() {
  int flag = 0;
  MPI_Initialized(&flag);
  int finalized = 0;
  MPI_Finalized(&finalized);
  return flag && !finalized;
}

bool require_initialized(const Napi::Env& env) {
  if (initialized()) return true;
  Napi::Error::New(env, "MPI is not initialized (call mpiInit first)").ThrowAsJavaScriptException();
  return false;
}

// The bytes of a typed array argument, or nullptr after throwing a TypeError.
uint8_t* typed_bytes(const Napi::CallbackInfo& info, size_t i, size_t* bytes) {
  if (!info[i].IsTypedArray()) {
    Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a typed array")
        .ThrowAsJavaScriptException();
    return nullptr;
  }
  const auto a = info[i].As<Napi::TypedArray>();
  *bytes = a.ByteLength();
  return static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
}

int root_arg(const Napi::CallbackInfo& info, size_t i) {
  return info[i].IsNumber() ? info[i].As<Napi::Number>().Int32Value() : 0;
}

// {rank, size, localSize, library}; initializes MPI on the first call.
Napi::Value Init(const Napi::CallbackInfo& info) {
  if (!initialized()) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
  int rank = 0, size = 1, local_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // Ranks sharing this node's memory: they share its cores too.
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &local_size);
  MPI_Comm_free(&local);
  char library[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(library, &length);
  std::string name(library, static_cast<size_t>(length));
  name = name.substr(0, name.find_first_of(",\n"));
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("rank", rank);
  out.Set("size", size);
  out.Set("localSize", local_size);
  out.Set("library", name);
  return out;
}

// Sums a Float32Array over all ranks, in place on every rank.
void AllreduceSum(const Napi::CallbackInfo& info) {
  if (!require_initialized(info.Env())) return;
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Napi::TypeError::New(info.Env(), "argument 0 must be a Float32Array").ThrowAsJavaScriptException();
    return;
  }
  auto a = info[0].As<Napi::Float32Array>();
  float* data = a.Data();
  const int64_t n = static_cast<int64_t>(a.ElementLength());
  for (int64_t at = 0; at < n; at += kChunk)
    MPI_Allreduce(MPI_IN_PLACE, data + at, static_cast<int>(std::min(kChunk, n - at)), MPI_FLOAT, MPI_SUM,
                  MPI_COMM_WORLD);
}

// Overwrites a typed array on every rank with the root's bytes (the same length everywhere).
void Bcast(const Napi::CallbackInfo& info) {
  if (!require_initialized(info.Env())) return;
  size_t bytes = 0;
  uint8_t* data = typed_bytes(info, 0, &bytes);
  if (data == nullptr) return;
  const int root = root_arg(info, 1);
  const int64_t n = static_cast<int64_t>(bytes);
  for (int64_t at = 0; at < n; at += kChunk)
    MPI_Bcast(data + at, static_cast<int>(std::min(kChunk, n - at)), MPI_BYTE, root, MPI_COMM_WORLD);
}

// Every rank's bytes, on the root as an array of Uint8Arrays by rank; undefined on the others.
Napi::Value Gather(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!require_initialized(env)) return env.Undefined();
  size_t bytes = 0;
  uint8_t* data = typed_bytes(info, 0, &bytes);
  if (data == nullptr) return env.Undefined();
  const int root = root_arg(info, 1);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int64_t mine = static_cast<int64_t>(bytes);
  std::vector<int64_t> counts(static_cast<size_t>(size));
  MPI_Gather(&mine, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, root, MPI_COMM_WORLD);
  // Gatherv's displacements are ints; every rank must agree whether the total fits before calling it.
  int64_t total = 0;
  for (const int64_t c : counts) total += c;
  MPI_Bcast(&total, 1, MPI_INT64_T, root, MPI_COMM_WORLD);
  if (total > INT32_MAX) {
    Napi::RangeError::New(env, "mpiGather: more than 2 GiB in all").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<int> recv_counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size));
  for (int r = 0, at = 0; r < size; r++) {
    recv_counts[static_cast<size_t>(r)] = static_cast<int>(counts[static_cast<size_t>(r)]);
    displs[static_cast<size_t>(r)] = at;
    at += recv_counts[static_cast<size_t>(r)];
  }
  Napi::ArrayBuffer all = Napi::ArrayBuffer::New(env, rank == root ? static_cast<size_t>(total) : 0);
  MPI_Gatherv(data, static_cast<int>(mine), MPI_BYTE, rank == root ? all.Data() : nullptr, recv_counts.data(),
              displs.data(), MPI_BYTE, root, MPI_COMM_WORLD);
  if (rank != root) return env.Undefined();
  Napi::Array out = Napi::Array::New(env, static_cast<size_t>(size));
  for (int r = 0; r < size; r++)
    out.Set(static_cast<uint32_t>(r),
            Napi::Uint8Array::New(env, static_cast<size_t>(recv_counts[static_cast<size_t>(r)]), all,
                                  static_cast<size_t>(displs[static_cast<size_t>(r)])));
  return out;
}

void Barrier(const Napi::CallbackInfo& info) {
  if (require_initialized(info.Env())) MPI_Barrier(MPI_COMM_WORLD);
}

// Ends every rank of the job (after this rank reported its error), with this exit status.
void Abort(const Napi::CallbackInfo& info) {
  const int code = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  if (initialized()) MPI_Abort(MPI_COMM_WORLD, code);
}

void Finalize(const Napi::CallbackInfo&) {
  if (initialized()) MPI_Finalize();
}

}  // namespace

void register_mpi(Napi::Env env, Napi::Object exports) {
  const auto fn = [&](const char* name, auto f) { exports.Set(name, Napi::Function::New(env, f, name)); };
  fn("mpiInit", Init);
  fn("mpiAllreduceSum", AllreduceSum);
  fn("mpiBcast", Bcast);
  fn("mpiGather", Gather);
  fn("mpiBarrier", Barrier);
  fn("mpiAbort", Abort);
  fn("mpiFinalize", Finalize);
}

}  // namespace lntune

#else

namespace lntune {

void register_mpi(Napi::Env, Napi::Object) {}

}  // namespace lntune

#endif
