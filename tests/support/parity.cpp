// Parity check implementation.
#include "tests/support/parity.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/io/tensor_map.h"

namespace poseforge::test {

ParityStats parity_stats(const torch::Tensor& actual, const torch::Tensor& expected) {
  auto a = actual.detach().to(torch::kCPU, torch::kFloat64);
  auto b = expected.detach().to(torch::kCPU, torch::kFloat64);
  ParityStats s;
  if (a.numel() == 0) return s;
  s.max_abs = (a - b).abs().max().item<double>();
  s.max_ref = b.abs().max().item<double>();
  s.rel = s.max_ref > 0 ? s.max_abs / s.max_ref : s.max_abs;
  return s;
}

namespace {

::testing::AssertionResult check(const std::string& name, const torch::Tensor& actual, const torch::Tensor& expected,
                                 double tolerance, bool relative) {
  if (!actual.defined() || !expected.defined()) {
    return ::testing::AssertionFailure() << name << ": undefined tensor";
  }
  if (!actual.sizes().equals(expected.sizes())) {
    return ::testing::AssertionFailure() << name << ": shape " << io::format_shape(actual.sizes()) << ", expected "
                                         << io::format_shape(expected.sizes());
  }
  const auto s = parity_stats(actual, expected);
  const double value = relative ? s.rel : s.max_abs;
  const bool finite = std::isfinite(s.max_abs);
  auto msg = fmt::format("{}: max abs err {:.3e}, max |ref| {:.3e}, rel err {:.3e}, tolerance {:.1e} ({})", name,
                         s.max_abs, s.max_ref, s.rel, tolerance, relative ? "relative" : "absolute");
  if (finite && value <= tolerance) return ::testing::AssertionSuccess() << msg;
  return ::testing::AssertionFailure() << msg;
}

}  // namespace

::testing::AssertionResult check_close(const std::string& name, const torch::Tensor& actual,
                                       const torch::Tensor& expected, double tolerance) {
  return check(name, actual, expected, tolerance, true);
}

::testing::AssertionResult check_close_abs(const std::string& name, const torch::Tensor& actual,
                                           const torch::Tensor& expected, double tolerance) {
  return check(name, actual, expected, tolerance, false);
}

WithoutOneDnn::WithoutOneDnn() : was_(at::globalContext().userEnabledMkldnn()) {
  at::globalContext().setUserEnabledMkldnn(false);
}

WithoutOneDnn::~WithoutOneDnn() {
  at::globalContext().setUserEnabledMkldnn(was_);
}

}  // namespace poseforge::test
