// MPI for data-parallel training: a few collectives on typed arrays, registered on the addon's exports when
// the build found MPI (binding.gyp defines LNTUNE_MPI); without it nothing is registered. Not kernels: they
// stay out of the kernel spec.
#pragma once

#include <napi.h>

namespace lntune {

void register_mpi(Napi::Env env, Napi::Object exports);

}  // namespace lntune
