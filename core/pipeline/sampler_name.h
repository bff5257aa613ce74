// Sampler and schedule names as users and other tools spell them -> our canonical names
// (samplers::sampler_names(), samplers::schedule_names()).
#pragma once

#include <string>
#include <vector>

namespace poseforge::pipeline {

// The canonical name for `name`: matched case-insensitively with spaces, '_' and '-' ignored ("euler",
// "dpm++_2m_karras"), or through the aliases of diffusers' scheduler classes ("EulerDiscreteScheduler"),
// k-diffusion / A1111 ("k_euler_a", "dpmpp_2m") and Segmind ("DPM Multi"). Throws Error naming the value
// and listing the valid names.
std::string canonical_sampler_name(const std::string& name);

// The display name of a schedule (samplers::schedule_names()) for `name` or an alias ("karras",
// "sgm_uniform", "trailing"). Throws Error naming the value and listing the valid names.
std::string canonical_schedule_name(const std::string& name);

// One message per unknown name among a request's sampler (when not empty) and schedule; empty when both
// are known.
std::vector<std::string> sampler_problems(const std::string& sampler, const std::string& schedule);

}  // namespace poseforge::pipeline
