// OpenCLIP's text tower layout (SGM `conditioner.embedders.1.model.*`, CLIP ViT-bigG) as transformers'
// CLIPTextModelWithProjection keys: fused in_proj split into q/k/v, text_projection transposed.
#pragma once

#include <string>

#include "core/io/tensor_map.h"

namespace poseforge::checkpoints {

// `open_clip`: the tensors below "model." ("transformer.resblocks.0.attn.in_proj_weight", ...). Returns
// transformers names ("text_model.encoder.layers.0.self_attn.q_proj.weight", "text_projection.weight"
// = P^T since OpenCLIP applies x @ P). Tensors of no known name keep theirs (the strict loader lists
// them); a fused in_proj whose rows do not split in three is an Error naming `source`.
io::TensorMap open_clip_to_transformers(const io::TensorMap& open_clip, const std::string& source);

}  // namespace poseforge::checkpoints
