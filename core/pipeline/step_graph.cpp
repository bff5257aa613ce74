// denoise_call and its CUDA graph replay (CUDA calls only in a CUDA build: POSEFORGE_CUDA).
#include "core/pipeline/step_graph.h"

#include <algorithm>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/io/tensor_map.h"
#include "core/pipeline/fault_hooks.h"

#if defined(POSEFORGE_CUDA)
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace poseforge::pipeline {
namespace {

std::string shape_key(const char* name, const torch::Tensor& t) {
  return t.defined() ? fmt::format("{}{}{} ", name, io::format_shape(t.sizes()), c10::toString(t.scalar_type()))
                     : fmt::format("{}- ", name);
}

// A graph's own copy of `t` (same shape and dtype, contiguous); undefined stays undefined.
torch::Tensor own(const torch::Tensor& t) {
  return t.defined() ? t.contiguous().clone() : torch::Tensor();
}

void fill(torch::Tensor& dst, const torch::Tensor& src) {
  if (dst.defined()) dst.copy_(src.reshape(dst.sizes()));
}

// The image prompt groups' part of a graph's shape: tokens, the layers each reaches (fixed in the graph),
// per-layer scales and masks.
std::string groups_key(const diffusion::IpConditioning& groups) {
  std::string key;
  for (const auto& g : groups) {
    key += shape_key("ipg", g.tokens) + shape_key("ls", g.layer_scales) + "L";
    for (const bool on : g.layers) key += on ? '1' : '0';
    for (const auto& [queries, mask] : g.masks) key += fmt::format(" m{}", queries) + shape_key("", mask);
    key += "; ";
  }
  return key;
}

// A graph's own copy of the groups (so a replay reads each call's tokens, scales and masks from fixed addresses).
diffusion::IpConditioning own_groups(const diffusion::IpConditioning& groups) {
  diffusion::IpConditioning out;
  for (const auto& g : groups) {
    diffusion::IpTokenGroup o;
    o.tokens = own(g.tokens);
    o.layers = g.layers;
    o.layer_scales = own(g.layer_scales);
    for (const auto& [queries, mask] : g.masks) o.masks.emplace_back(queries, own(mask));
    out.push_back(std::move(o));
  }
  return out;
}

void fill_groups(diffusion::IpConditioning& dst, const diffusion::IpConditioning& src) {
  for (std::size_t i = 0; i < dst.size(); ++i) {
    fill(dst[i].tokens, src[i].tokens);
    fill(dst[i].layer_scales, src[i].layer_scales);
    for (std::size_t m = 0; m < dst[i].masks.size(); ++m) fill(dst[i].masks[m].second, src[i].masks[m].second);
  }
}

thread_local bool capturing = false;  // this thread is capturing a step graph

}  // namespace

torch::Tensor denoise_call(diffusion::UNet2DConditionModel& unet, diffusion::ControlNetModel& controlnet,
                           const CallInputs& in, const ModelSwap* swap) {
  if (const auto& hook = fault_hooks().inside_model_call) hook(capturing);
  torch::Tensor eps;
  if (in.control.defined()) {
    if (swap && swap->before_controlnet) swap->before_controlnet();
    const auto residuals = controlnet->forward(in.input, in.cond, in.control, in.control_scale);
    if (swap && swap->before_unet) swap->before_unet();
    eps = unet->forward(in.input, in.cond, &residuals);
  } else {
    if (swap && swap->before_unet) swap->before_unet();
    eps = unet->forward(in.input, in.cond);
  }
  eps = eps.to(torch::kFloat32);
  if (in.guidance.defined()) {
    const auto halves = eps.chunk(2);
    eps = halves[0] + in.guidance * (halves[1] - halves[0]);
  }
  return eps;
}

struct StepGraphs::Graph {
  CallInputs in;  // the graph's own input tensors (fixed addresses)
  torch::Tensor eps;
  std::uint64_t last_use = 0;
#if defined(POSEFORGE_CUDA)
  at::cuda::CUDAGraph graph;
#endif
};

StepGraphs::StepGraphs() = default;
StepGraphs::~StepGraphs() = default;

void StepGraphs::clear() {
  graphs_.clear();
}

bool StepGraphs::supported(const torch::Device& device) {
#if defined(POSEFORGE_CUDA)
  return device.is_cuda();
#else
  (void)device;
  return false;
#endif
}

torch::Tensor StepGraphs::run(diffusion::UNet2DConditionModel& unet, diffusion::ControlNetModel& controlnet,
                              const CallInputs& in) {
#if defined(POSEFORGE_CUDA)
  const auto& c = in.cond;
  const std::string key = shape_key("x", in.input) + shape_key("t", c.timestep) +
                          shape_key("h", c.encoder_hidden_states) + shape_key("p", c.text_embeds) +
                          shape_key("ids", c.time_ids) + shape_key("ip", c.image_tokens) + groups_key(c.ip_groups) +
                          shape_key("ctl", in.control) + shape_key("s", in.control_scale) + shape_key("g", in.guidance);
  auto it = graphs_.find(key);
  if (it == graphs_.end()) {
    if (graphs_.size() >= kMaxGraphs) {  // each graph keeps its own memory pool: drop the least recently used
      auto oldest = std::min_element(graphs_.begin(), graphs_.end(), [](const auto& a, const auto& b) {
        return a.second->last_use < b.second->last_use;
      });
      graphs_.erase(oldest);
    }
    auto g = std::make_unique<Graph>();
    g->in.input = own(in.input);
    g->in.cond.timestep = own(c.timestep);
    g->in.cond.encoder_hidden_states = own(c.encoder_hidden_states);
    g->in.cond.text_embeds = own(c.text_embeds);
    g->in.cond.time_ids = own(c.time_ids);
    g->in.cond.image_tokens = own(c.image_tokens);
    g->in.cond.ip_groups = own_groups(c.ip_groups);
    g->in.control = own(in.control);
    g->in.control_scale = own(in.control_scale);
    g->in.guidance = own(in.guidance);
    const auto device = in.input.device();
    torch::cuda::synchronize(device.index());
    {
      // Capture on a side stream after one warm-up call there (per-stream library workspaces), as
      // PyTorch's own graph capture does.
      auto stream = c10::cuda::getStreamFromPool(false, device.index());
      c10::cuda::CUDAStreamGuard guard(stream);
      g->eps = denoise_call(unet, controlnet, g->in);
      stream.synchronize();
      g->graph.capture_begin();
      try {
        capturing = true;
        g->eps = denoise_call(unet, controlnet, g->in);
        capturing = false;
      } catch (...) {
        // An error mid-capture (out of memory): end the capture before it leaves, or the stream stays
        // capturing and the allocator keeps routing its blocks to this graph's pool; the graph is dropped.
        capturing = false;
        try {
          g->graph.capture_end();
        } catch (const std::exception&) {
        }
        throw;
      }
      g->graph.capture_end();
      stream.synchronize();
    }
    it = graphs_.emplace(key, std::move(g)).first;
  }
  Graph& g = *it->second;
  g.last_use = ++uses_;
  fill(g.in.input, in.input);
  fill(g.in.cond.timestep, c.timestep);
  fill(g.in.cond.encoder_hidden_states, c.encoder_hidden_states);
  fill(g.in.cond.text_embeds, c.text_embeds);
  fill(g.in.cond.time_ids, c.time_ids);
  fill(g.in.cond.image_tokens, c.image_tokens);
  fill_groups(g.in.cond.ip_groups, c.ip_groups);
  fill(g.in.control, in.control);
  fill(g.in.control_scale, in.control_scale);
  fill(g.in.guidance, in.guidance);
  g.graph.replay();
  return g.eps.clone();
#else
  (void)unet, (void)controlnet, (void)in;
  throw Error("CUDA graphs need a CUDA build of libtorch (this one has none)");
#endif
}

}  // namespace poseforge::pipeline
