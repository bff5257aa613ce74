#!/usr/bin/env bash
# Downloads the models PoseForge runs on (about 12 GB with fp16 files) into a models folder laid out
# the way PoseForge finds them (see models/README.md). Resumable: run it again after an interruption.
# Nothing in PoseForge downloads at run time; this script is the only place that does, when you run it.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: models/download.sh [options]

  --models DIR          models folder (default: $POSEFORGE_MODELS or ~/.local/share/poseforge/models)
  --controlnet NAME     thibaud (default) or xinsir: which OpenPose ControlNet for SDXL
  --ip-adapter NAME     vit-h (default), plus (IP-Adapter Plus, ViT-H) or bigg (ViT-bigG encoder)
  --full-precision      fetch the float32 files instead of the .fp16 variants (twice the size)
  --dry-run             print what would be fetched and where, fetch nothing
  --check               only check the folder: list missing files, exit 0 when complete, 1 when not
  -h, --help            this help

Environment: HF_TOKEN (optional) is sent as a bearer token; HF_ENDPOINT changes the host
(default https://huggingface.co).
USAGE
}

models="${POSEFORGE_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/poseforge/models}"
controlnet=thibaud
ip_adapter=vit-h
fp16=1
dry_run=0
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --models) [ $# -ge 2 ] || { echo "error: --models needs a folder" >&2; exit 2; }; models="$2"; shift 2 ;;
    --controlnet) [ $# -ge 2 ] || { echo "error: --controlnet needs a name" >&2; exit 2; }; controlnet="$2"; shift 2 ;;
    --ip-adapter) [ $# -ge 2 ] || { echo "error: --ip-adapter needs a name" >&2; exit 2; }; ip_adapter="$2"; shift 2 ;;
    --full-precision) fp16=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    --check) check=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$controlnet" in
  thibaud) cn_repo="thibaud/controlnet-openpose-sdxl-1.0" ;;
  xinsir) cn_repo="xinsir/controlnet-openpose-sdxl-1.0" ;;
  *) echo "error: --controlnet must be thibaud or xinsir, not '$controlnet'" >&2; exit 2 ;;
esac
case "$ip_adapter" in
  vit-h) ip_file="sdxl_models/ip-adapter_sdxl_vit-h.safetensors"; enc_dir="models/image_encoder" ;;
  plus) ip_file="sdxl_models/ip-adapter-plus_sdxl_vit-h.safetensors"; enc_dir="models/image_encoder" ;;
  bigg) ip_file="sdxl_models/ip-adapter_sdxl.safetensors"; enc_dir="sdxl_models/image_encoder" ;;
  *) echo "error: --ip-adapter must be vit-h, plus or bigg, not '$ip_adapter'" >&2; exit 2 ;;
esac
v=""
[ "$fp16" = 1 ] && v=".fp16"

sdxl_repo="stabilityai/stable-diffusion-xl-base-1.0"
# Each line: <repo> <file in repo> <path under the models folder>
plan() {
  local s="$sdxl_repo" t
  echo "$s model_index.json sdxl/model_index.json"
  echo "$s scheduler/scheduler_config.json sdxl/scheduler/scheduler_config.json"
  for t in tokenizer tokenizer_2; do
    for f in vocab.json merges.txt special_tokens_map.json tokenizer_config.json; do echo "$s $t/$f sdxl/$t/$f"; done
  done
  for t in text_encoder text_encoder_2; do
    echo "$s $t/config.json sdxl/$t/config.json"
    echo "$s $t/model$v.safetensors sdxl/$t/model$v.safetensors"
  done
  for t in unet vae; do
    echo "$s $t/config.json sdxl/$t/config.json"
    echo "$s $t/diffusion_pytorch_model$v.safetensors sdxl/$t/diffusion_pytorch_model$v.safetensors"
  done
  echo "$cn_repo config.json controlnet-openpose/config.json"
  # The ControlNet repos publish a full-precision safetensors file only.
  echo "$cn_repo diffusion_pytorch_model.safetensors controlnet-openpose/diffusion_pytorch_model.safetensors"
  echo "h94/IP-Adapter $ip_file ip-adapter/$ip_file"
  echo "h94/IP-Adapter $enc_dir/config.json ip-adapter/$enc_dir/config.json"
  echo "h94/IP-Adapter $enc_dir/model.safetensors ip-adapter/$enc_dir/model.safetensors"
  echo "lllyasviel/Annotators body_pose_model.pth openpose/body_pose_model.pth"
  # TAESD-XL (a few MB): readable step previews; without it the previews are the linear latent colours.
  echo "madebyollin/taesdxl config.json taesdxl/config.json"
  echo "madebyollin/taesdxl diffusion_pytorch_model.safetensors taesdxl/diffusion_pytorch_model.safetensors"
}

if [ "$check" = 1 ]; then
  missing=0
  while read -r repo file dest; do
    if [ ! -s "$models/$dest" ]; then echo "missing: $models/$dest  (from $repo: $file)"; missing=$((missing + 1)); fi
  done < <(plan)
  if [ "$missing" -eq 0 ]; then echo "complete: $models"; exit 0; fi
  echo "$missing file(s) missing in $models"
  exit 1
fi

endpoint="${HF_ENDPOINT:-https://huggingface.co}"
auth=()
[ -n "${HF_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $HF_TOKEN")
command -v curl >/dev/null || [ "$dry_run" = 1 ] || { echo "error: curl is needed (apt-get install curl)" >&2; exit 1; }
while read -r repo file dest; do
  url="$endpoint/$repo/resolve/main/$file"
  target="$models/$dest"
  if [ "$dry_run" = 1 ]; then echo "$url -> $target"; continue; fi
  if [ -s "$target" ]; then echo "have $dest"; continue; fi
  mkdir -p "$(dirname "$target")"
  echo "fetching $dest"
  # -C - resumes a partial .part file; the rename makes a finished file appear atomically.
  curl -L --fail --retry 5 --retry-delay 3 -C - "${auth[@]}" -o "$target.part" "$url"
  mv "$target.part" "$target"
done < <(plan)
[ "$dry_run" = 1 ] || echo "done: models in $models (check with: models/download.sh --check --models '$models')"
