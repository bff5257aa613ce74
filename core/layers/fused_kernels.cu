// GroupNorm (+ SiLU) for NCHW and NHWC, and GEGLU: see fused_kernels.h. Memory-bound kernels: each reads
// its input once per pass (GroupNorm: statistics, then normalise; GEGLU: one pass) in vectors of up to 16
// bytes, and computes in float32.
#include "core/layers/fused_kernels.h"

#include <algorithm>
#include <atomic>

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

namespace poseforge::layers::kernels {
namespace {

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_float<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

template <typename T, int V>
struct alignas(sizeof(T) * V) Vec {
  T v[V];
};

// Welford partial: count, mean, sum of squared deviations.
struct Moments {
  float n, mean, m2;
};

__device__ __forceinline__ Moments combine(const Moments& a, const Moments& b) {
  const float n = a.n + b.n;
  if (n == 0.f) return a;
  const float delta = b.mean - a.mean, wb = b.n / n;
  return {n, a.mean + delta * wb, a.m2 + b.m2 + delta * delta * a.n * wb};
}

__device__ __forceinline__ Moments shuffle_down(const Moments& m, int offset) {
  return {__shfl_down_sync(0xffffffffu, m.n, offset), __shfl_down_sync(0xffffffffu, m.mean, offset),
          __shfl_down_sync(0xffffffffu, m.m2, offset)};
}

constexpr int kThreads = 256;

// Thread 0 gets the block's combined moments.
__device__ Moments block_combine(Moments m) {
  __shared__ Moments warps[kThreads / 32];
  for (int offset = 16; offset > 0; offset /= 2) m = combine(m, shuffle_down(m, offset));
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warps[warp] = m;
  __syncthreads();
  if (warp == 0) {
    m = lane < kThreads / 32 ? warps[lane] : Moments{0.f, 0.f, 0.f};
    for (int offset = 16; offset > 0; offset /= 2) m = combine(m, shuffle_down(m, offset));
  }
  return m;
}

struct Shape {
  std::int64_t n, c, hw, groups, group_channels;
  bool channels_last;
};

// Offset of element i (0 <= i < group_channels * hw) of group g of sample s.
__device__ __forceinline__ std::int64_t group_offset(const Shape& s, std::int64_t sample, std::int64_t g,
                                                     std::int64_t i) {
  if (!s.channels_last) return (sample * s.c + g * s.group_channels) * s.hw + i;
  const std::int64_t position = i / s.group_channels, channel = i - position * s.group_channels;
  return (sample * s.hw + position) * s.c + g * s.group_channels + channel;
}

// Grid (chunks, n * groups): block (k, ng) writes the moments of chunk k of group ng to partials.
template <typename T, int V>
__global__ void group_norm_moments(const T* __restrict__ x, Shape s, std::int64_t chunk_vectors,
                                   float* __restrict__ partials) {
  const std::int64_t ng = blockIdx.y, sample = ng / s.groups, g = ng % s.groups;
  const std::int64_t vectors = s.group_channels * s.hw / V;
  const std::int64_t begin = blockIdx.x * chunk_vectors, end = min(vectors, begin + chunk_vectors);
  // Sums of (x - shift), with shift one value of the group, keep float32's cancellation small.
  const float shift = to_float(x[group_offset(s, sample, g, 0)]);
  float sum = 0.f, squares = 0.f;
  int count = 0;
  for (std::int64_t j = begin + threadIdx.x; j < end; j += kThreads) {
    const auto v = *reinterpret_cast<const Vec<T, V>*>(x + group_offset(s, sample, g, j * V));
#pragma unroll
    for (int e = 0; e < V; ++e) {
      const float d = to_float(v.v[e]) - shift;
      sum += d;
      squares += d * d;
    }
    count += V;
  }
  Moments m{0.f, 0.f, 0.f};
  if (count > 0) {
    const float n = static_cast<float>(count), mean = sum / n;
    m = {n, mean + shift, fmaxf(squares - sum * mean, 0.f)};
  }
  m = block_combine(m);
  if (threadIdx.x == 0) {
    float* out = partials + (ng * gridDim.x + blockIdx.x) * 3;
    out[0] = m.n;
    out[1] = m.mean;
    out[2] = m.m2;
  }
}

// One thread per (sample, channel): the group's moments from its chunks, then y = x * scale + shift.
template <typename T>
__global__ void group_norm_scale_shift(const float* __restrict__ partials, int chunks, Shape s,
                                       const T* __restrict__ weight, const T* __restrict__ bias, float eps,
                                       float* __restrict__ scale, float* __restrict__ shift) {
  const std::int64_t index = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (index >= s.n * s.c) return;
  const std::int64_t sample = index / s.c, channel = index % s.c, g = channel / s.group_channels;
  const float* p = partials + (sample * s.groups + g) * chunks * 3;
  Moments m{0.f, 0.f, 0.f};
  for (int k = 0; k < chunks; ++k) m = combine(m, Moments{p[3 * k], p[3 * k + 1], p[3 * k + 2]});
  const float rstd = rsqrtf(m.m2 / m.n + eps);
  const float a = rstd * (weight ? to_float(weight[channel]) : 1.f);
  scale[index] = a;
  shift[index] = (bias ? to_float(bias[channel]) : 0.f) - m.mean * a;
}

template <typename T, int V, bool Silu>
__global__ void group_norm_apply(const T* __restrict__ x, T* __restrict__ y, Shape s, const float* __restrict__ scale,
                                 const float* __restrict__ shift) {
  const std::int64_t vectors = s.n * s.c * s.hw / V;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * kThreads;
  for (std::int64_t j = blockIdx.x * static_cast<std::int64_t>(kThreads) + threadIdx.x; j < vectors; j += stride) {
    const std::int64_t i = j * V;
    // NCHW: the vector runs along positions (one channel); NHWC: along channels.
    std::int64_t nc;
    if (s.channels_last) {
      const std::int64_t sample = i / (s.hw * s.c);
      nc = sample * s.c + i % s.c;
    } else {
      nc = i / s.hw;
    }
    auto v = *reinterpret_cast<const Vec<T, V>*>(x + i);
#pragma unroll
    for (int e = 0; e < V; ++e) {
      const std::int64_t k = s.channels_last ? nc + e : nc;
      float out = to_float(v.v[e]) * scale[k] + shift[k];
      if (Silu) out = out / (1.f + __expf(-out));
      v.v[e] = from_float<T>(out);
    }
    *reinterpret_cast<Vec<T, V>*>(y + i) = v;
  }
}

// The current device's multiprocessor count, asked once per device (every launch sizes its grid by it).
int multiprocessors() {
  constexpr int kDevices = 64;
  static std::atomic<int> counts[kDevices] = {};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) return 80;
  if (device < kDevices) {
    if (const int known = counts[device].load(std::memory_order_relaxed); known > 0) return known;
  }
  int count = 0;
  if (cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) return 80;
  if (device < kDevices) counts[device].store(count, std::memory_order_relaxed);
  return count;
}

Shape shape_of(const GroupNormArgs& a) {
  return {a.n, a.c, a.hw, a.groups, a.c / a.groups, a.channels_last};
}

// Chunks per group: enough blocks to fill the GPU twice over, each at least 2048 vectors long.
int chunks_of(const GroupNormArgs& a) {
  const std::int64_t vectors = a.c / a.groups * a.hw / a.vector;
  const std::int64_t wanted = (2 * multiprocessors() + a.n * a.groups - 1) / (a.n * a.groups);
  return static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>({wanted, vectors / 2048, 64})));
}

std::int64_t grid_for(std::int64_t vectors) {
  const std::int64_t blocks = (vectors + kThreads - 1) / kThreads;
  return std::max<std::int64_t>(1, std::min<std::int64_t>(blocks, 32LL * multiprocessors()));
}

const char* launch_error() {
  const cudaError_t error = cudaGetLastError();
  return error == cudaSuccess ? nullptr : cudaGetErrorString(error);
}

template <typename T, int V>
const char* group_norm_typed(const GroupNormArgs& a, float* workspace, cudaStream_t stream) {
  const Shape s = shape_of(a);
  const int chunks = chunks_of(a);
  const std::int64_t vectors = s.group_channels * s.hw / V;
  const std::int64_t chunk_vectors = (vectors + chunks - 1) / chunks;
  float* partials = workspace;
  float* scale = partials + a.n * a.groups * chunks * 3;
  float* shift = scale + a.n * a.c;
  const T* x = static_cast<const T*>(a.x);
  group_norm_moments<T, V><<<dim3(chunks, static_cast<unsigned>(a.n * a.groups)), kThreads, 0, stream>>>(
      x, s, chunk_vectors, partials);
  const std::int64_t channels = a.n * a.c;
  group_norm_scale_shift<T><<<static_cast<unsigned>((channels + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
      partials, chunks, s, static_cast<const T*>(a.weight), static_cast<const T*>(a.bias), static_cast<float>(a.eps),
      scale, shift);
  const auto grid = static_cast<unsigned>(grid_for(a.n * a.c * a.hw / V));
  T* y = static_cast<T*>(a.y);
  if (a.silu) {
    group_norm_apply<T, V, true><<<grid, kThreads, 0, stream>>>(x, y, s, scale, shift);
  } else {
    group_norm_apply<T, V, false><<<grid, kThreads, 0, stream>>>(x, y, s, scale, shift);
  }
  return launch_error();
}

template <typename T>
const char* group_norm_vectored(const GroupNormArgs& a, float* workspace, cudaStream_t stream) {
  switch (a.vector) {
    case 8: return group_norm_typed<T, 8>(a, workspace, stream);
    case 4: return group_norm_typed<T, 4>(a, workspace, stream);
    case 2: return group_norm_typed<T, 2>(a, workspace, stream);
    default: return group_norm_typed<T, 1>(a, workspace, stream);
  }
}

template <typename T, int V>
__global__ void geglu_kernel(const T* __restrict__ x, T* __restrict__ y, std::int64_t rows, std::int64_t inner) {
  const std::int64_t vectors = rows * inner / V;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * kThreads;
  for (std::int64_t j = blockIdx.x * static_cast<std::int64_t>(kThreads) + threadIdx.x; j < vectors; j += stride) {
    const std::int64_t i = j * V, row = i / inner, column = i - row * inner;
    const T* in = x + row * 2 * inner + column;
    const auto hidden = *reinterpret_cast<const Vec<T, V>*>(in);
    const auto gate = *reinterpret_cast<const Vec<T, V>*>(in + inner);
    Vec<T, V> out;
#pragma unroll
    for (int e = 0; e < V; ++e) {
      const float g = to_float(gate.v[e]);
      out.v[e] = from_float<T>(to_float(hidden.v[e]) * 0.5f * g * (1.f + erff(g * 0.70710678118654752f)));
    }
    *reinterpret_cast<Vec<T, V>*>(y + i) = out;
  }
}

template <typename T>
const char* geglu_typed(const void* x, void* y, std::int64_t rows, std::int64_t inner, int vector,
                        cudaStream_t stream) {
  const auto grid = static_cast<unsigned>(grid_for(rows * inner / vector));
  const T* in = static_cast<const T*>(x);
  T* out = static_cast<T*>(y);
  switch (vector) {
    case 8: geglu_kernel<T, 8><<<grid, kThreads, 0, stream>>>(in, out, rows, inner); break;
    case 4: geglu_kernel<T, 4><<<grid, kThreads, 0, stream>>>(in, out, rows, inner); break;
    case 2: geglu_kernel<T, 2><<<grid, kThreads, 0, stream>>>(in, out, rows, inner); break;
    default: geglu_kernel<T, 1><<<grid, kThreads, 0, stream>>>(in, out, rows, inner); break;
  }
  return launch_error();
}

}  // namespace

int vector_width(Dtype dtype, std::int64_t run, std::uintptr_t x_address, std::uintptr_t y_address) {
  const int element = dtype == Dtype::kFloat32 ? 4 : 2;
  for (int v = 16 / element; v > 1; v /= 2) {
    const auto bytes = static_cast<std::uintptr_t>(v * element);
    if (run % v == 0 && x_address % bytes == 0 && y_address % bytes == 0) return v;
  }
  return 1;
}

int group_norm_vector(const GroupNormArgs& a, std::uintptr_t x_address, std::uintptr_t y_address) {
  return vector_width(a.dtype, a.channels_last ? a.c / a.groups : a.hw, x_address, y_address);
}

std::int64_t group_norm_workspace(const GroupNormArgs& a) {
  return a.n * a.groups * chunks_of(a) * 3 + 2 * a.n * a.c;
}

const char* group_norm(const GroupNormArgs& a, float* workspace, void* stream) {
  const auto s = static_cast<cudaStream_t>(stream);
  switch (a.dtype) {
    case Dtype::kFloat16: return group_norm_vectored<__half>(a, workspace, s);
    case Dtype::kBFloat16: return group_norm_vectored<__nv_bfloat16>(a, workspace, s);
    default: return group_norm_vectored<float>(a, workspace, s);
  }
}

const char* geglu(const void* x, void* y, Dtype dtype, std::int64_t rows, std::int64_t inner, int vector,
                  void* stream) {
  const auto s = static_cast<cudaStream_t>(stream);
  switch (dtype) {
    case Dtype::kFloat16: return geglu_typed<__half>(x, y, rows, inner, vector, s);
    case Dtype::kBFloat16: return geglu_typed<__nv_bfloat16>(x, y, rows, inner, vector, s);
    default: return geglu_typed<float>(x, y, rows, inner, vector, s);
  }
}

}  // namespace poseforge::layers::kernels
