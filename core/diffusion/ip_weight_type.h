// Image-prompt weight types (IPAdapter_plus / InstantStyle): which UNet attention blocks an image prompt reaches.
#pragma once

#include <string>
#include <vector>

namespace poseforge::diffusion {

enum class IpWeightType {
  Standard,             // every cross-attention layer: subject, style, colours and layout
  Style,                // InstantStyle for SDXL: only the style block (up_blocks.0.attentions.1)
  Composition,          // only the composition block (down_blocks.2.attentions.1)
  StyleAndComposition,  // both blocks, each with its own weight
  StrongStyle,          // every up block
};

// Every type, in the order the UI lists them.
const std::vector<IpWeightType>& all_ip_weight_types();
// The request/preset name: "standard", "style", "composition", "style_and_composition", "strong_style".
const char* ip_weight_type_name(IpWeightType type);
// What the UI shows: "Standard", "Style transfer", "Composition", "Style + composition", "Strong style".
const char* ip_weight_type_label(IpWeightType type);
// One sentence for a tooltip: what the type carries over and which blocks it reaches.
const char* ip_weight_type_description(IpWeightType type);
// A name or a label, case-insensitive, '-' ' ' '_' '+' alike ("Style transfer", "style-and-composition").
// Throws Error naming `text` and the accepted names.
IpWeightType parse_ip_weight_type(const std::string& text);

// The blocks a type reaches: a module path of the UNet (whole dotted segments, as
// UNet2DConditionModel::set_ip_adapter_scale matches them; "" = every layer) and whether the prompt's
// composition weight (true) or its weight (false) applies there.
struct IpTypeBlock {
  const char* prefix;
  bool composition_weight;
};
const std::vector<IpTypeBlock>& ip_weight_type_blocks(IpWeightType type);

// The module paths InstantStyle names for SDXL.
constexpr const char* kIpStyleBlock = "up_blocks.0.attentions.1";
constexpr const char* kIpCompositionBlock = "down_blocks.2.attentions.1";

// Per cross-attention layer (`layer_names`, e.g. "up_blocks.0.attentions.1.transformer_blocks.0.attn2"),
// the weight of a prompt of this type there: `weight` or `composition_weight` where the type reaches,
// 0 elsewhere. Throws Error when one of the type's blocks matches no layer (a UNet without SDXL's
// block layout), naming the block and the type.
std::vector<double> ip_layer_weights(IpWeightType type, double weight, double composition_weight,
                                     const std::vector<std::string>& layer_names);

}  // namespace poseforge::diffusion
