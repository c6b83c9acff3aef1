// Inverted dropout with the mask drawn from an xoshiro128** state in place, one draw per element, exactly as
// the engine's Rng (src/tensor/rng.ts) would draw it: the draws are sequential, the backward is parallel.
#include "kernels.generated.h"
#include "parallel.h"

namespace lntune {

namespace {

uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

}  // namespace

void dropout_forward(const float* x, float* y, uint8_t* mask, int64_t n, double p, uint32_t* state) {
  const float keep = static_cast<float>(1.0 / (1.0 - p));
  // Kept when (u >>> 8) / 2^24 >= p, i.e. (u >>> 8) >= p·2^24 (exact in double).
  const double threshold = p * 16777216.0;
  uint32_t s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  for (int64_t i = 0; i < n; i++) {
    const uint32_t u = rotl(s1 * 5, 7) * 9;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    const bool kept = static_cast<double>(u >> 8) >= threshold;
    mask[i] = kept;
    y[i] = x[i] * (kept ? keep : 0.0f);
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

void dropout_backward(const float* dy, const uint8_t* mask, float* dx, int64_t n, double p) {
  const float keep = static_cast<float>(1.0 / (1.0 - p));
  parallel_for(n, 1.0, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) dx[i] = dy[i] * (mask[i] ? keep : 0.0f);
  });
}

}  // namespace lntune
