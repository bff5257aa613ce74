// Test hook for the failure paths of saving: an injected write error (ENOSPC: a full disk) in
// AtomicWriter, so tests show the old file stays without filling a real disk.
#pragma once

#include <filesystem>
#include <functional>

namespace poseforge::io {

// Called by AtomicWriter::write with the target; a non-zero errno value fails the write with it.
// Empty (the default) in the app. Set only in tests, while nothing else writes.
std::function<int(const std::filesystem::path& target)>& write_fault_hook();

}  // namespace poseforge::io
