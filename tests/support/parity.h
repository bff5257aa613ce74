// Labelled parity checks: compare a tensor with a reference by max|a-b| / max|b|, and on failure
// print the name, shapes, max abs and relative error and the tolerance.
#pragma once

#include <string>

#include <gtest/gtest.h>
#include <torch/types.h>

namespace poseforge::test {

struct ParityStats {
  double max_abs = 0;  // max |actual - expected|
  double max_ref = 0;  // max |expected|
  double rel = 0;      // max_abs / max_ref (max_abs when max_ref is 0)
};
ParityStats parity_stats(const torch::Tensor& actual, const torch::Tensor& expected);

// EXPECT_TRUE(check_close(...)): shapes equal and rel <= tolerance.
::testing::AssertionResult check_close(const std::string& name, const torch::Tensor& actual,
                                       const torch::Tensor& expected, double tolerance);
// Same with an absolute bound: max|a-b| <= tolerance.
::testing::AssertionResult check_close_abs(const std::string& name, const torch::Tensor& actual,
                                           const torch::Tensor& expected, double tolerance);

// Switches oneDNN off for a scope: ATen then runs its own CPU kernels (bfloat16 included), as it does on CPUs
// without AVX512 (AMD EPYC before Zen 4, older Intel), so one machine tests both kernel families.
class WithoutOneDnn {
 public:
  WithoutOneDnn();
  ~WithoutOneDnn();
  WithoutOneDnn(const WithoutOneDnn&) = delete;
  WithoutOneDnn& operator=(const WithoutOneDnn&) = delete;

 private:
  bool was_;
};

}  // namespace poseforge::test
