// Asynchronous progress/preview read-back: pinned host buffers and stream stamps.
#include "core/pipeline/progress_readback.h"

#include <chrono>
#include <optional>
#include <thread>

#include <c10/core/StreamGuard.h>
#include <torch/torch.h>

#include "core/pipeline/image_tensor.h"

namespace poseforge::pipeline {

struct ProgressReadback::Entry {
  Progress progress;
  StreamStamp step_done;  // the call's work on the loop's stream
  torch::Tensor host;     // [h, w, 3] uint8 on the host (pinned for a device copy); may be undefined
  StreamStamp landed;     // after the device -> host copy, on the preview's stream (empty: on the host now)
  StreamStamp begun;      // the preview's start (for `measured`)
  std::function<void(double)> measured;

  bool ready() const { return step_done.reached() && landed.reached(); }
};

ProgressReadback::ProgressReadback(ProgressFn deliver, std::function<void(Progress&)> stamp)
    : deliver_(std::move(deliver)), stamp_(std::move(stamp)) {}

ProgressReadback::~ProgressReadback() = default;

void ProgressReadback::push(Progress progress, const torch::Tensor& preview) {
  PendingPreview p;
  p.bytes = preview;
  push(std::move(progress), StreamStamp(), std::move(p));
}

void ProgressReadback::push(Progress progress, const StreamStamp& step_done, PendingPreview preview) {
  auto entry = std::make_unique<Entry>();
  entry->progress = std::move(progress);
  entry->progress.full_preview = preview.full;
  entry->step_done = step_done;
  entry->begun = preview.begun;
  entry->measured = std::move(preview.measured);
  const torch::Tensor& bytes = preview.bytes;
  if (bytes.defined()) {
    if (bytes.device().is_cpu()) {
      entry->host = bytes;
      entry->landed = StreamStamp::record(torch::Device(torch::kCPU));
    } else {
      // Pinned memory lets the copy run asynchronously, on the stream that made the preview; the stamp
      // marks when it has landed.
      std::optional<c10::StreamGuard> on_stream;
      if (preview.stream) on_stream.emplace(*preview.stream);
      const auto options = torch::TensorOptions().dtype(bytes.scalar_type()).pinned_memory(true);
      entry->host = torch::empty(bytes.sizes(), options);
      entry->host.copy_(bytes, /*non_blocking=*/true);
      entry->landed = StreamStamp::record(bytes.device());
    }
  }
  pending_.push_back(std::move(entry));
  deliver_ready(/*wait=*/false);
}

void ProgressReadback::flush() {
  deliver_ready(/*wait=*/true);
}

void ProgressReadback::deliver_ready(bool wait) {
  while (!pending_.empty()) {
    Entry& front = *pending_.front();
    if (!front.ready()) {
      if (!wait) return;
      // Polled (the stamps have no host-blocking wait in every libtorch); one model call or preview at most.
      while (!front.ready()) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    auto entry = std::move(pending_.front());
    pending_.pop_front();
    if (entry->measured && !entry->landed.empty()) entry->measured(entry->landed.seconds_since(entry->begun));
    if (entry->host.defined()) entry->progress.preview = bytes_hwc_to_image(entry->host);
    if (stamp_) stamp_(entry->progress);
    if (deliver_) deliver_(entry->progress);
  }
}

}  // namespace poseforge::pipeline
