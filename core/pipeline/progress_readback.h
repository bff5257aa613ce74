// ProgressReadback: delivers the loop's progress with previews read back from the device asynchronously
// (non-blocking copy into pinned memory + an event), so a preview never stalls the GPU mid-loop.
#pragma once

#include <deque>
#include <functional>
#include <memory>

#include <torch/types.h>

#include "core/pipeline/loop_previews.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/stream_stamp.h"

namespace poseforge::pipeline {

class ProgressReadback {
 public:
  // `deliver` gets each Progress, in push order, once its step is done on the device and its preview is
  // on the host. `stamp` (optional) fills in the timing fields (elapsed_s, seconds_per_step, eta_s) just
  // before delivery, so on CUDA they measure the GPU's progress rather than how far ahead the host has
  // queued work.
  explicit ProgressReadback(ProgressFn deliver, std::function<void(Progress&)> stamp = {});
  ~ProgressReadback();  // pending entries are dropped undelivered (a cancelled or failed loop)
  ProgressReadback(const ProgressReadback&) = delete;
  ProgressReadback& operator=(const ProgressReadback&) = delete;

  // Queues `progress`, due once the device reaches `step_done` (empty: at once), with `preview` (bytes
  // [h, w, 3] uint8 on any device; undefined: no preview), and delivers every queued entry that is ready,
  // in order. On the CPU everything queued is delivered before push returns (the synchronous behaviour).
  // On a CUDA device the preview is copied with non_blocking into a pinned host buffer on the stream it
  // was made on, and an event recorded there after the copy; entries are delivered when their events
  // have completed, polled (event queries, no wait) at each push and poll. Never blocks on the device.
  // The preview's `measured` gets the seconds from its `begun` to the copy's landing, at delivery.
  void push(Progress progress, const StreamStamp& step_done, PendingPreview preview);
  // The same for a preview made on the current stream, due at once (tests, the CPU).
  void push(Progress progress, const torch::Tensor& preview);

  // Delivers what is ready, in order, without waiting.
  void poll() { deliver_ready(/*wait=*/false); }

  // Waits for every queued copy (polling its event) and delivers the rest in order: call after the
  // loop. On CUDA the last calls' progress usually arrives here, at the end of the loop.
  void flush();

  std::size_t pending() const { return pending_.size(); }

 private:
  struct Entry;
  void deliver_ready(bool wait);

  ProgressFn deliver_;
  std::function<void(Progress&)> stamp_;
  std::deque<std::unique_ptr<Entry>> pending_;
};

}  // namespace poseforge::pipeline
