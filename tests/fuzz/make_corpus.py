#!/usr/bin/env python3
"""Writes the seed corpus tests/fuzz/corpus/<harness>/seed-*, by hand from the documented formats (Python's
standard library only; JPEG/WebP seeds through OpenCV's encoder when `--opencv-seeds DIR` gives files made by
make_image_seeds.sh, which runs this script). Deterministic: re-running it rewrites the same bytes.
regress-*: inputs that broke a parser before its fix (written here, by hand from the bug). found-*: inputs a
fuzzer found (libFuzzer artifacts copied in by hand); this script never touches them."""
import io
import json
import os
import struct
import sys
import zipfile
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(harness, name, data, prefix="seed-"):
    folder = os.path.join(ROOT, harness)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, prefix + name), "wb") as f:
        f.write(data)


def regress(harness, name, data):
    put(harness, name, data, "regress-")


# ---- safetensors: u64 header length, JSON header, data (https://github.com/huggingface/safetensors) ----
def safetensors(tensors, metadata=None, pad=True):
    header, blob = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(data)]}
        blob += data
    text = json.dumps(header, separators=(",", ":")).encode()
    while pad and len(text) % 8:
        text += b" "
    return struct.pack("<Q", len(text)) + text + blob


def f32(*values):
    return struct.pack("<%df" % len(values), *values)


def safetensors_seeds():
    put("safetensors", "two-tensors", safetensors(
        [("a.weight", "F32", [2, 2], f32(1, 2, 3, 4)), ("a.bias", "I64", [1], struct.pack("<q", -7))],
        {"format": "pt"}))
    put("safetensors", "dtypes", safetensors(
        [("f16", "F16", [2], b"\x00\x3c\x00\xc0"), ("bf16", "BF16", [1], b"\x80\x3f"), ("b", "BOOL", [3], b"\x01\x00\x01"),
         ("u8", "U8", [1, 1], b"\xff"), ("i8", "I8", [2], b"\x80\x7f"), ("i16", "I16", [1], b"\x01\x80"),
         ("i32", "I32", [1], b"\x01\x00\x00\x80"), ("f64", "F64", [1], struct.pack("<d", 0.5))]))
    put("safetensors", "empty-tensor", safetensors([("e", "F32", [0, 3], b""), ("s", "F32", [], f32(2.5))]))
    put("safetensors", "no-tensors", safetensors([], {"a": "b"}))
    put("safetensors", "unaligned", safetensors([("x", "U8", [1], b"\x01"), ("y", "F32", [1], f32(3))], pad=False))
    put("safetensors", "truncated", safetensors([("a", "F32", [4], f32(1, 2, 3, 4))])[:-3])


# ---- pickles (protocol 2, as torch.save writes them) ----
def pstr(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def pint(i):
    if 0 <= i < 256:
        return b"K" + bytes([i])
    if 0 <= i < 65536:
        return b"M" + struct.pack("<H", i)
    if -(1 << 31) <= i < (1 << 31):
        return b"J" + struct.pack("<i", i)
    return b"\x8a\x08" + struct.pack("<q", i)  # LONG1, 8 bytes


def ptuple(items):
    return b"(" + b"".join(items) + b"t"


ORDERED_DICT = b"ccollections\nOrderedDict\n)R"


def ptensor(key, numel, size, stride, storage="FloatStorage", offset=0):
    pid = ptuple([pstr("storage"), b"ctorch\n" + storage.encode() + b"\n", pstr(key), pstr("cpu"), pint(numel)])
    args = ptuple([pid + b"Q", pint(offset), ptuple([pint(s) for s in size]), ptuple([pint(s) for s in stride]),
                   b"\x89", ORDERED_DICT])
    return b"ctorch._utils\n_rebuild_tensor_v2\n" + args + b"R"


def state_dict(entries):
    """entries: (name, tensor pickle bytes or a nested entries list)"""
    out = ORDERED_DICT
    for name, value in entries:
        out += pstr(name) + (value if isinstance(value, bytes) else state_dict(value)) + b"s"
    return out


def pickle_of(body):
    return b"\x80\x02" + body + b"."


MAIN = pickle_of(state_dict([("conv.weight", ptensor("0", 4, [2, 2], [2, 1])),
                             ("conv.bias", ptensor("1", 2, [2], [1])),
                             ("step", pint(7))]))
NESTED = pickle_of(state_dict([("image_proj", [("proj.weight", ptensor("0", 4, [4], [1]))]),
                               ("ip_adapter", [("1.to_k_ip.weight", ptensor("1", 2, [1, 2], [2, 1]))])]))
LEGACY_HEADER = (b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19." + b"\x80\x02M\xe9\x03." +
                 pickle_of(b"}" + pstr("protocol_version") + pint(1001) + b"s"))


def legacy_body(main, storages):
    keys = pickle_of(b"]" + b"(" + b"".join(pstr(k) for k, _ in storages) + b"e")
    data = b"".join(struct.pack("<q", len(v) // 4) + v for _, v in storages)
    return main + keys + data


def pickle_seeds():
    # The pickle harness runs each seed raw (permissive hooks) and as the main pickle of a legacy checkpoint.
    put("pickle", "legacy-state-dict", legacy_body(MAIN, [("0", f32(1, 2, 3, 4)), ("1", f32(5, 6))]))
    put("pickle", "legacy-nested", legacy_body(NESTED, [("0", f32(1, 2, 3, 4)), ("1", f32(5, 6))]))
    put("pickle", "opcodes", b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00" + b"]\x94(" + pint(1) + pint(300) +
        b"J\xff\xff\xff\xff" + b"\x8a\x02\x00\x80" + b"\x8a\x09" + b"\x01" * 9 + b"G" + struct.pack(">d", 1.5) +
        b"N\x88\x89" + b"\x8c\x03abc" + b"C\x02hi" + b"B\x01\x00\x00\x00z" + b"U\x01s" + b"T\x01\x00\x00\x00t" +
        b"e" + b"h\x00" + b"\x85" + b")" + b"\x86" + b"2" + b"\x87" + b"q\x05" + b"r\x06\x00\x00\x00" + b"0" + b".")
    put("pickle", "dict-memo", pickle_of(b"}q\x00(" + pstr("a") + b"]q\x01" + pstr("b") + b"h\x01" + b"u" +
                                         b"(" + pint(1) + pint(2) + b"d" + b"0"))
    put("pickle", "stack-global", b"\x80\x04" + b"\x8c\x0bcollections\x94\x8c\x0bOrderedDict\x94\x93\x94)R\x94.")
    put("pickle", "forbidden-global", pickle_of(b"cforbidden\nsystem\n" + ptuple([pstr("echo")]) + b"R"))
    put("pickle", "build", pickle_of(ORDERED_DICT + b"}b"))


# ---- torch checkpoints: torch.save's zip layout (archive/data.pkl, archive/data/<key>, archive/version) ----
def torch_zip(main, storages, folder="archive"):
    buf = io.BytesIO()
    def entry(name):  # a fixed date: the same bytes on every run
        return zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(entry(folder + "/data.pkl"), main)
        for key, data in storages:
            z.writestr(entry(folder + "/data/" + key), data)
        z.writestr(entry(folder + "/version"), "3\n")
    return buf.getvalue()


def torch_checkpoint_seeds():
    put("torch_checkpoint", "zip", torch_zip(MAIN, [("0", f32(1, 2, 3, 4)), ("1", f32(5, 6))]))
    put("torch_checkpoint", "zip-nested", torch_zip(NESTED, [("0", f32(1, 2, 3, 4)), ("1", f32(5, 6))], "ip"))
    put("torch_checkpoint", "legacy", LEGACY_HEADER + legacy_body(MAIN, [("0", f32(1, 2, 3, 4)), ("1", f32(5, 6))]))
    put("torch_checkpoint", "zip-missing-record", torch_zip(MAIN, [("0", f32(1, 2, 3, 4))]))


# ---- config.json-style files (diffusers / transformers keys) ----
def config_seeds():
    unet = {"_class_name": "UNet2DConditionModel", "in_channels": 4, "out_channels": 4, "sample_size": 8,
            "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
            "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"], "mid_block_type": "UNetMidBlock2DCrossAttn",
            "block_out_channels": [32, 64], "layers_per_block": 2, "transformer_layers_per_block": [1, 2],
            "attention_head_dim": [2, 4], "cross_attention_dim": 64, "norm_num_groups": 32, "use_linear_projection": True,
            "addition_embed_type": "text_time", "addition_time_embed_dim": 8, "projection_class_embeddings_input_dim": 80}
    put("config", "unet.json", json.dumps(unet, indent=1))
    controlnet = dict(unet, _class_name="ControlNetModel", conditioning_embedding_out_channels=[16, 32, 96, 256],
                      controlnet_conditioning_channel_order="rgb")
    del controlnet["up_block_types"]
    put("config", "controlnet.json", json.dumps(controlnet, indent=1))
    put("config", "vae.json", json.dumps({"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3,
        "latent_channels": 4, "block_out_channels": [32, 64], "layers_per_block": 1, "norm_num_groups": 32,
        "down_block_types": ["DownEncoderBlock2D"] * 2, "up_block_types": ["UpDecoderBlock2D"] * 2,
        "scaling_factor": 0.13025, "sample_size": 64, "force_upcast": True}, indent=1))
    put("config", "clip_text.json", json.dumps({"architectures": ["CLIPTextModelWithProjection"], "hidden_size": 32,
        "intermediate_size": 37, "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 1000,
        "max_position_embeddings": 77, "hidden_act": "gelu", "layer_norm_eps": 1e-5, "projection_dim": 32,
        "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1}, indent=1))
    put("config", "clip_vision.json", json.dumps({"architectures": ["CLIPVisionModelWithProjection"], "hidden_size": 32,
        "image_size": 30, "patch_size": 2, "num_channels": 3, "intermediate_size": 37, "num_attention_heads": 4,
        "num_hidden_layers": 2, "projection_dim": 32, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5}, indent=1))
    put("config", "scheduler.json", json.dumps({"_class_name": "EulerDiscreteScheduler", "beta_start": 0.00085,
        "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000, "prediction_type": "epsilon",
        "steps_offset": 1, "timestep_spacing": "leading", "interpolation_type": "linear"}, indent=1))
    put("config", "preprocessor.json", json.dumps({"crop_size": {"height": 224, "width": 224}, "do_center_crop": True,
        "do_normalize": True, "do_resize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073],
        "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": {"shortest_edge": 224}}, indent=1))
    put("config", "preset.json", json.dumps({"name": "Mine", "description": "a preset", "settings": {
        "num_inference_steps": 20, "guidance_scale": 5.5, "scheduler": "Euler a", "width": 832, "height": 1216,
        "ip_adapter_scale": 0.5, "controlnet_scale": 1.0, "control_start": 0.1, "control_end": 0.9,
        "negative_prompt": "blurry", "prompt": "a dancer", "seed": 12}}, indent=1))
    put("config", "big-numbers.json", '{"in_channels": 1e300, "block_out_channels": [4294967296, -1], '
        '"num_train_timesteps": 18446744073709551615, "image_size": 2.5}')


# ---- tokenizer: first byte even = a prompt for the demo tokenizer; odd = vocab \0 merges \0 config \0 map ----
def tokenizer_seeds():
    for i, prompt in enumerate(["a photo of a cat", "The   QUICK brown fox, 2024!! <|endoftext|> ok<|startoftext|>",
                                "\u00fcn\u00efc\u00f6d\u00e9 \u65e5\u672c \U0001F642 e\u0301", "\xff\xfe invalid \xc3",
                                "don't we're I'll 's 't 're 've 'm 'll 'd", "", "a" * 300]):
        data = prompt.encode("utf-8", "surrogateescape") if "\xff" not in prompt else \
            b"\xff\xfe invalid \xc3"
        put("tokenizer", "prompt-%d" % i, b"\x00" + data)
    vocab = {"a</w>": 0, "b</w>": 1, "a": 2, "b": 3, "ab</w>": 4, "<|startoftext|>": 5, "<|endoftext|>": 6}
    merges = "#version: 0.2\na b</w>\n"
    config = {"model_max_length": 8, "bos_token": {"content": "<|startoftext|>"}, "pad_token": "<|endoftext|>",
              "added_tokens_decoder": {"7": {"content": "<extra>"}}}
    put("tokenizer", "folder", b"\x01" + "\0".join([json.dumps(vocab), merges, json.dumps(config),
                                                   json.dumps({"unk_token": "<|endoftext|>"})]).encode())
    put("tokenizer", "folder-minimal", b"\x01" + "\0".join([json.dumps(vocab), merges]).encode())


def prompt_seeds():
    for i, p in enumerate(["a (red:1.3) car, [blurry], ((masterpiece))", "\\(literal\\) \\[x\\] \\\\ back\\",
                           "one BREAK two BREAKfast BREAK", "(unclosed [square", "(a:-0.5) (b: 2 ) (c:1.2.3) :1.5)",
                           "((a:0)(b:1e5))", "", "plain prompt with no brackets"]):
        put("prompt_weighting", "prompt-%d" % i, p)


# ---- pose JSON (OpenPose / ControlNet openpose editor layout) ----
def pose_seeds():
    body = []
    for k in range(18):
        body += [10.0 + 5 * k, 20.0 + 3 * k, 0.9] if k % 5 else [0, 0, 0]
    hand = [x for k in range(21) for x in (30.0 + k, 40.0 + k, 0.5)]
    face = [x for k in range(70) for x in (50.0 + k * 0.5, 60.0, 0.7)]
    put("pose_json", "openpose", json.dumps({"canvas_width": 512, "canvas_height": 768, "people": [
        {"pose_keypoints_2d": body, "hand_left_keypoints_2d": hand, "hand_right_keypoints_2d": [],
         "face_keypoints_2d": face}, {"pose_keypoints_2d": [0] * 54}]}))
    put("pose_json", "no-canvas", json.dumps({"version": 1.3, "people": [{"person_id": [-1], "pose_keypoints_2d": body}]}))
    put("pose_json", "bad-counts", json.dumps({"canvas_width": 64, "canvas_height": 64,
                                                "people": [{"pose_keypoints_2d": [1, 2, 3] * 25}]}))
    put("pose_json", "huge-canvas", '{"canvas_width": 1e300, "canvas_height": 3e9, "people": []}')


# ---- request JSON (Segmind's IP-Adapter-OpenPose keys plus ours) ----
def request_seeds():
    put("request_json", "segmind", json.dumps({"input_image": "pose.jpg", "ip_image": "style.png",
        "prompt": "a dancer on a stage", "negative_prompt": "blurry", "samples": 1, "scheduler": "DPM++ 2M Karras",
        "num_inference_steps": 30, "guidance_scale": 6, "seed": 42, "ip_adapter_scale": 0.6, "controlnet_scale": 0.8,
        "width": 1024, "height": 1024, "base64": False}, indent=1))
    put("request_json", "ours", json.dumps({"pose_json": "../p.json", "ip_images": [{"path": "a.png", "weight": 2},
        "b.png", {"image": "/abs/c.png"}], "control_start": 0.1, "control_end": 0.7, "seed": -1}, indent=1))
    put("request_json", "inline-image", json.dumps({"image": "data:image/png;base64," + "iVBORw0KGgo=" * 8,
        "ip_image": "QUJD" * 20, "prompt": "x"}))
    put("request_json", "wrong", '{"samples": 1e300, "width": 2.5, "seed": 18446744073709551615, "unknown": 1}')


# ---- PNG files with text chunks (PNG spec: tEXt, zTXt, iTXt) ----
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def png(width, height, color_type, bit_depth, rows, text_chunks=(), palette=None, trns=None):
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", palette)
    if trns:
        out += chunk(b"tRNS", trns)
    for c in text_chunks:
        out += c
    raw = b"".join(b"\x00" + r for r in rows)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def text_chunk(key, value):
    return chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))


def ztxt_chunk(key, value):
    return chunk(b"zTXt", key.encode("latin-1") + b"\0\0" + zlib.compress(value.encode("latin-1")))


def itxt_chunk(key, value, compressed=False):
    data = value.encode("utf-8")
    if compressed:
        data = zlib.compress(data)
    return chunk(b"iTXt", key.encode("latin-1") + b"\0" + bytes([1 if compressed else 0, 0]) + b"en\0" + key.encode() +
                 b"\0" + data)


def png_text_seeds():
    rgb = [b"\x10\x20\x30" * 2] * 2
    request = {"input_image": "pose.png", "prompt": "a dancer", "num_inference_steps": 4, "width": 64, "height": 64}
    a1111 = "a dancer\nNegative prompt: blurry\nSteps: 4, Sampler: DPM++ 2M Karras, CFG scale: 6, Seed: 1, Size: 64x64"
    put("png_text", "poseforge", png(2, 2, 2, 8, rgb, [itxt_chunk("parameters", a1111),
                                                       itxt_chunk("poseforge", json.dumps(request))]))
    put("png_text", "a1111-text", png(2, 2, 2, 8, rgb, [text_chunk("parameters", a1111)]))
    put("png_text", "comfyui", png(2, 2, 2, 8, rgb, [text_chunk("prompt", json.dumps({"3": {"class_type": "KSampler",
        "inputs": {"seed": 1, "steps": 20, "cfg": 7.0}}})), text_chunk("workflow", json.dumps({"nodes": []}))]))
    put("png_text", "compressed", png(2, 2, 2, 8, rgb, [ztxt_chunk("Comment", "z" * 100),
                                                        itxt_chunk("poseforge", json.dumps(request), True)]))
    put("png_text", "bad-json", png(1, 1, 0, 8, [b"\x80"], [itxt_chunk("poseforge", '{"prompt": ')]))


# ---- images OpenCV decodes: PNG variants, BMP, PPM/PGM, TIFF ----
def bmp(width, height):
    row = b"".join(bytes([x * 40, y * 60, 200]) for x in range(width) for y in [0])
    row += b"\0" * ((4 - len(row) % 4) % 4)
    pixels = row * height
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def tiff(width, height):
    pixels = bytes((x * 50) % 256 for x in range(width * height * 3))
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 3, 8 + 12 + 2 * 12 * 0), (259, 3, 1, 1),
               (262, 3, 1, 2), (273, 4, 1, 0), (277, 3, 1, 3), (278, 3, 1, height), (279, 4, 1, len(pixels))]
    ifd_offset = 8
    ifd_size = 2 + 12 * len(entries) + 4
    bits_offset = ifd_offset + ifd_size
    pixel_offset = bits_offset + 6
    out = b"II*\0" + struct.pack("<I", ifd_offset) + struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 258:
            value = bits_offset
        if tag == 273:
            value = pixel_offset
        out += struct.pack("<HHII", tag, kind, count, value) if kind == 4 or count > 1 else \
            struct.pack("<HHIHH", tag, kind, count, value, 0)
    out += struct.pack("<I", 0) + struct.pack("<HHH", 8, 8, 8) + pixels
    return out


def image_seeds():
    put("image", "rgb.png", png(3, 2, 2, 8, [bytes(range(9)), bytes(range(9, 18))]))
    put("image", "rgba.png", png(2, 2, 6, 8, [b"\xff\x00\x00\x80\x00\xff\x00\x00"] * 2))
    put("image", "grey16.png", png(2, 1, 0, 16, [b"\x12\x34\xff\xff"]))
    put("image", "grey-alpha.png", png(1, 2, 4, 8, [b"\x80\x40", b"\x00\xff"]))
    put("image", "palette.png", png(2, 2, 3, 8, [b"\x00\x01", b"\x01\x00"], palette=b"\xff\x00\x00\x00\x00\xff",
                                    trns=b"\x80"))
    put("image", "rgb.bmp", bmp(3, 2))
    put("image", "rgb.ppm", b"P6\n2 2\n255\n" + bytes(range(12)))
    put("image", "grey.pgm", b"P5 3 1 255 " + b"\x00\x80\xff")
    put("image", "rgb.tiff", tiff(2, 2))
    put("image", "huge-header.png", png(100000, 100000, 2, 8, [b"\x00" * 3]))


# ---- regressions: each broke a parser before its fix ----
def regressions():
    # A list appended to itself (cyclic values leaked, and a dict holding itself sent flatten() into endless
    # recursion): now "would hold itself".
    regress("pickle", "list-holds-itself", pickle_of(b"]q\x00h\x00a"))
    regress("pickle", "dict-holds-itself", pickle_of(ORDERED_DICT + b"q\x00" + pstr("self") + b"h\x00s"))
    regress("pickle", "tuple-cycle", pickle_of(b"]q\x00h\x00\x85a"))
    # 60000 nested lists: freeing them recursed once per level and overflowed the stack.
    regress("pickle", "deep-nesting", b"\x80\x02" + b"]" * 60000 + b"a" * 59999 + b".")
    # A legacy storage of 2^40 floats in a tiny file: allocated 4 TB before reading anything.
    regress("pickle", "huge-legacy-storage", legacy_body(pickle_of(state_dict([("w", ptensor("0", 1 << 40, [1], [1]))])),
                                                         [("0", f32(1))]))
    # size * stride overflowed int64 in the bounds check (undefined behaviour, then a wrong bound).
    regress("pickle", "stride-overflow", legacy_body(pickle_of(state_dict([("w", ptensor("0", 4, [1 << 62, 3],
                                                                                         [1 << 62, 1]))])), [("0", f32(1, 2, 3, 4))]))
    # A rebuilt tensor used as the storage of another: a 1-element storage expanded to 1000 (stride 0),
    # then read as 1000 consecutive elements: a heap overflow.
    expanded = ptensor("0", 1, [1000], [0])
    reread = b"ctorch._utils\n_rebuild_tensor_v2\n" + ptuple([expanded, pint(0), ptuple([pint(1000)]), ptuple([pint(1)]),
                                                               b"\x89", ORDERED_DICT]) + b"R"
    regress("pickle", "tensor-as-storage", legacy_body(pickle_of(state_dict([("w", reread)])), [("0", f32(1))]))
    # A zip storage of 2^62 + 1 floats: numel * 4 wrapped to 4, so 4 bytes were read as 2^62 floats.
    regress("torch_checkpoint", "zip-numel-wraps",
            torch_zip(pickle_of(state_dict([("w", ptensor("0", (1 << 62) + 1, [2], [1]))])), [("0", f32(1, 2))]))
    # A size past int64 next to a 0 (product 0 passed the check), then a negative size in libtorch.
    regress("safetensors", "size-past-int64", safetensors([("a", "F32", [0, 1 << 63], b"")]))


def opencv_seeds(folder):
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            put("image", name, f.read())


if __name__ == "__main__":
    safetensors_seeds()
    pickle_seeds()
    torch_checkpoint_seeds()
    config_seeds()
    tokenizer_seeds()
    prompt_seeds()
    pose_seeds()
    request_seeds()
    png_text_seeds()
    image_seeds()
    regressions()
    if len(sys.argv) == 3 and sys.argv[1] == "--opencv-seeds":
        opencv_seeds(sys.argv[2])
