#!/usr/bin/env bash
# One measuring session on a GPU machine that has PyTorch with CUDA but no Debian packages (the lent
# H200): builds the engine against PyTorch's libtorch, runs the engine tests and the float16 parity
# check, writes SDXL-size random weights in the real layouts and times PoseForge beside diffusers on
# the same files. Every stage logs to $OUT/<stage>.log and a failed stage does not stop the others.
# Usage: bench/gpu_session.sh CARRY STAGES...   (stages: info build test parity layout ours variants memory
# lora taesd previews speed profile attention eager compile; BUILD_TARGETS="a b" builds only those targets)
# CARRY holds engine-deps.tar.xz (scripts/device-deps.sh), diffusers-src.tar.xz (diffusers' src/),
# shared/{fixtures,bench,real-configs}. OUT (default /tmp/pf-out) gets the logs.
set -uo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
carry="$(cd "$1" && pwd)"
shift
out="${OUT:-/tmp/pf-out}"
build="${POSEFORGE_GPU_BUILD:-/tmp/pf-build-cuda}"
models="${POSEFORGE_GPU_MODELS:-/tmp/pf-sdxl}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1 DIFFUSERS_SRC="$carry/src"
torch_prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')"
deps="$carry/.devdeps/root/usr"
export LD_LIBRARY_PATH="$deps/lib/x86_64-linux-gnu:$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')/lib:${LD_LIBRARY_PATH:-}"
bench="$build/bench/poseforge-bench"
common=(--size 1024 --steps 30 --scheduler Euler --guidance 7.5 --controlnet-scale 0.8 --ip 1 --ip-scale 0.6)

stage() {
  local name="$1"
  shift
  echo "=== $name $(date -u +%T)"
  local t0=$SECONDS
  "$@" >"$out/$name.log" 2>&1
  local rc=$?
  echo "=== $name rc=$rc in $((SECONDS - t0)) s"
  tail -n "${TAIL:-25}" "$out/$name.log"
}

info() {
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  python3 -c 'import torch, sys; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), torch.cuda.get_device_name())'
  python3 -c 'import transformers, safetensors, PIL; print("transformers", transformers.__version__)'
  nproc; cmake --version | head -1; df -h /tmp | tail -1
}

build_engine() {
  [ -d "$carry/.devdeps/root" ] || tar -xJf "$carry/engine-deps.tar.xz" -C "$carry/.devdeps" || return 1
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOSEFORGE_ENGINE_ONLY=ON \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$deps" -DICU_ROOT="$deps" -DCMAKE_CUDA_ARCHITECTURES=90 &&
    cmake --build "$build" -j "$(nproc)" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
}

layout() {
  [ -f "$models/.done" ] && return 0
  python3 "$carry/shared/bench/sdxl_layout.py" "$models" "$carry/shared/fixtures/tokenizer" "$carry/shared/real-configs" &&
    touch "$models/.done" && du -sh "$models"
}

quick() {
  # the defaults only: new prompts, then the cached ones (beside the peer in one session)
  "$bench" pipeline --models "$models" "${common[@]}" --new-prompt --runs 3
}

ours() {
  # the defaults (CUDA graphs, load-time warm-up, deterministic cuDNN; memory auto = resident on the H200)
  "$bench" pipeline --models "$models" "${common[@]}" --new-prompt --runs 3
  "$bench" pipeline --models "$models" "${common[@]}" --runs 2
  "$bench" pipeline --models "$models" "${common[@]}" --new-prompt --runs 2 --no-graph --no-warm-up
  "$bench" pipeline --models "$models" "${common[@]}" --new-prompt --runs 3 --no-fused --no-channels-last
}

memory() {
  # each memory mode with the GPU memory peak of every stage, then resident with the float32 VAE
  for mode in resident balanced low minimal; do
    echo "--- memory $mode"
    "$bench" pipeline --models "$models" "${common[@]}" --new-prompt --runs 2 --memory "$mode" --memory-phases
  done
  echo "--- memory resident, float32 VAE"
  "$bench" pipeline --models "$models" "${common[@]}" --new-prompt --runs 2 --vae-dtype float32 --memory-phases
}

lora() {
  # a merged LoRA (rank 32 on every attention projection of the UNet) against none, same prompt
  python3 "$src/bench/sdxl_lora.py" "$models" /tmp/pf-lora.safetensors --rank 32 || return 1
  echo "--- no LoRA"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 3
  echo "--- LoRA at 0.8"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 3 --lora /tmp/pf-lora.safetensors:0.8
}

taesd() {
  # TAESD-XL step previews (the fixture's real-size decoder, random weights): paced by their measured cost
  # (the default: at most 2% of the loop) with the slider-change runs, then every step on their own stream and
  # on the loop's, then the linear ones; each with its cost against no previews ("preview cost" lines)
  "$build/tests/test_taesd"
  rm -rf "$models/taesdxl" && cp -r "$carry/shared/fixtures/formats/taesd/taesdxl" "$models/taesdxl"
  echo "--- TAESD-XL, paced (defaults)"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 2 --preview-cost 2 --slider-runs 4
  echo "--- TAESD-XL every step (--step-preview-budget 0), own stream"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 1 --preview-cost 2 --step-preview-budget 0
  echo "--- TAESD-XL every step, the loop's stream (--preview-stream main)"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 1 --preview-cost 2 --step-preview-budget 0 --preview-stream main
  rm -rf "$models/taesdxl"
  echo "--- linear previews (no TAESD-XL in the folder)"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 1 --preview-cost 1
}

variants() {
  # the defaults against one other choice each: flash attention (auto is cuDNN's on the H200), cuDNN benchmark mode
  for v in "--attention flash" "--cudnn fast"; do
    echo "--- $v"
    "$bench" pipeline --models "$models" "${common[@]}" --new-prompt --runs 3 $v
  done
}

previews() {
  # full VAE previews every 5 steps (no TAESD in the folder): paced by their measured cost (the default: at
  # most 8% of the loop) with the slider-change runs, then as asked (--full-preview-budget 0) on their own
  # stream and on the loop's; each with its cost against no previews ("preview cost" lines)
  rm -rf "$models/taesdxl"
  echo "--- full every 5, paced (defaults)"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 2 --full-preview-every 5 --preview-cost 2 --slider-runs 6
  echo "--- full every 5 as asked (--full-preview-budget 0), own stream"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 1 --full-preview-every 5 --full-preview-budget 0 --preview-cost 2
  echo "--- full every 5 as asked, the loop's stream (--preview-stream main)"
  "$bench" pipeline --models "$models" "${common[@]}" --runs 1 --full-preview-every 5 --full-preview-budget 0 \
    --preview-stream main --preview-cost 2
}

profile() {
  # where a step's GPU time goes: 3 eager steps of SDXL-size UNet + ControlNet under Kineto, summed by kind
  "$bench" speed --unet sdxl --controlnet sdxl --latent 128 --batch 2 --steps 3 --ip-tokens 4 --channels-last \
    --profile "$out/trace.json" &&
    python3 "$src/bench/trace_summary.py" "$out/trace.json" 3 45 && xz -T4 "$out/trace.json"
}

attention() {
  # the step replayed as a graph with each attention kernel, cuDNN convolutions deterministic and benchmarked
  for c in deterministic fast; do
    "$bench" speed --unet sdxl --controlnet sdxl --latent 128 --batch 2 --steps 20 --ip-tokens 4 --graph --cudnn $c \
      --attention auto,flash,efficient,cudnn,math
  done
}

speed() {
  # the step replayed as a graph: the defaults (fused kernels, NHWC), then without each
  local s=(--unet sdxl --controlnet sdxl --latent 128 --batch 2 --steps 20 --ip-tokens 4 --graph)
  for v in "--channels-last" "--channels-last --no-fused" "" "--no-fused"; do
    echo "--- speed $v"
    "$bench" speed "${s[@]}" $v
  done
}

mkdir -p "$carry/.devdeps"
[ -d "$carry/src" ] || tar -xJf "$carry/diffusers-src.tar.xz" -C "$carry"
export POSEFORGE_FIXTURES="$carry/shared/fixtures"
for s in "$@"; do
  case "$s" in
    info) stage info info ;;
    build) TAIL=40 stage build build_engine ;;
    test) TAIL=60 stage test ctest --test-dir "$build" --output-on-failure -j 4 ${TESTS:+-R "$TESTS"} ;;
    parity) stage parity "$bench" parity --fixtures "$POSEFORGE_FIXTURES" --dtype fp16 ;;
    layout) stage layout layout ;;
    ours) TAIL=60 stage ours ours ;;
    quick) TAIL=20 stage quick quick ;;
    variants) TAIL=60 stage variants variants ;;
    previews) TAIL=60 stage previews previews ;;
    profile) TAIL=70 stage profile profile ;;
    attention) stage attention attention ;;
    memory) TAIL=80 stage memory memory ;;
    lora) TAIL=40 stage lora lora ;;
    speed) stage speed speed ;;
    taesd) TAIL=70 stage taesd taesd ;;
    eager) stage eager python3 "$carry/shared/bench/diffusers_from_files.py" "$models" 30 1024 eager ;;
    compile) stage compile python3 "$carry/shared/bench/diffusers_from_files.py" "$models" 30 1024 compile ;;
    *) echo "unknown stage $s" ;;
  esac
done
