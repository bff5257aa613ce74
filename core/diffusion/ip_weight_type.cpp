// Image-prompt weight types: names, UI text, and the UNet blocks each one reaches.
#include "core/diffusion/ip_weight_type.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace poseforge::diffusion {
namespace {

struct TypeInfo {
  IpWeightType type;
  const char* name;
  const char* label;
  const char* description;
  std::vector<IpTypeBlock> blocks;
};

const std::vector<TypeInfo>& table() {
  static const std::vector<TypeInfo> types = {
      {IpWeightType::Standard,
       "standard",
       "Standard",
       "Every attention layer: the image's subject, style, colours and layout all steer the picture.",
       {{"", false}}},
      {IpWeightType::Style,
       "style",
       "Style transfer",
       "Only the style block (up_blocks.0.attentions.1, InstantStyle): colours, texture and mood, not the "
       "image's content or layout.",
       {{kIpStyleBlock, false}}},
      {IpWeightType::Composition,
       "composition",
       "Composition",
       "Only the composition block (down_blocks.2.attentions.1): the image's layout and shapes, not its style.",
       {{kIpCompositionBlock, false}}},
      {IpWeightType::StyleAndComposition,
       "style_and_composition",
       "Style + composition",
       "The style block with the weight and the composition block with the composition weight.",
       {{kIpStyleBlock, false}, {kIpCompositionBlock, true}}},
      {IpWeightType::StrongStyle,
       "strong_style",
       "Strong style",
       "Every up block: a stronger style transfer that also carries more of the image's details.",
       {{"up_blocks", false}}},
  };
  return types;
}

const TypeInfo& info(IpWeightType type) {
  for (const auto& t : table()) {
    if (t.type == type) return t;
  }
  return table().front();
}

// Lower case with ' ', '-', '+' as '_', runs of '_' collapsed: "Style + composition" -> "style_composition".
std::string normalise(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const char k =
        (c == ' ' || c == '-' || c == '+') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (k == '_' && (out.empty() || out.back() == '_')) continue;
    out += k;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

bool under(const std::string& name, const std::string& prefix) {
  return prefix.empty() || name == prefix || name.rfind(prefix + ".", 0) == 0;
}

}  // namespace

const std::vector<IpWeightType>& all_ip_weight_types() {
  static const std::vector<IpWeightType> types = [] {
    std::vector<IpWeightType> out;
    for (const auto& t : table()) out.push_back(t.type);
    return out;
  }();
  return types;
}

const char* ip_weight_type_name(IpWeightType type) {
  return info(type).name;
}

const char* ip_weight_type_label(IpWeightType type) {
  return info(type).label;
}

const char* ip_weight_type_description(IpWeightType type) {
  return info(type).description;
}

IpWeightType parse_ip_weight_type(const std::string& text) {
  const std::string key = normalise(text);
  std::string names;
  for (const auto& t : table()) {
    if (key == normalise(t.name) || key == normalise(t.label)) return t.type;
    names += (names.empty() ? "" : ", ") + std::string(t.name);
  }
  // A1111 / ComfyUI spellings
  if (key == "style_transfer" || key == "instantstyle") return IpWeightType::Style;
  if (key == "strong_style_transfer") return IpWeightType::StrongStyle;
  if (key == "linear" || key == "normal") return IpWeightType::Standard;
  throw Error("image prompt type '{}' is not known (expected one of: {})", text, names);
}

const std::vector<IpTypeBlock>& ip_weight_type_blocks(IpWeightType type) {
  return info(type).blocks;
}

std::vector<double> ip_layer_weights(IpWeightType type, double weight, double composition_weight,
                                     const std::vector<std::string>& layer_names) {
  std::vector<double> out(layer_names.size(), 0.0);
  for (const auto& block : ip_weight_type_blocks(type)) {
    bool found = false;
    for (std::size_t i = 0; i < layer_names.size(); ++i) {
      if (!under(layer_names[i], block.prefix)) continue;
      out[i] = block.composition_weight ? composition_weight : weight;
      found = true;
    }
    if (!found) {
      throw Error("image prompt type '{}' acts on the UNet block '{}', which this UNet does not have",
                  ip_weight_type_name(type), block.prefix);
    }
  }
  return out;
}

}  // namespace poseforge::diffusion
