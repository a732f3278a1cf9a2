"""ONNX Runtime encoder for a local sentence-transformers folder, exported offline at first use
(bench/embedders.py compares it with the torch model; it is not the product's encoder, see README
"A faster embedder?").

sentence-transformers' own ``backend="onnx"`` needs ``optimum-onnx``, whose releases pin
``transformers<4.58`` (this project pins 5.23), so the export is done here with what is installed:
``torch.onnx.export`` (the TorchScript exporter) of the folder's encoder with mean pooling and L2
normalisation inside the graph, then ONNX Runtime's dynamic int8 quantisation of the MatMul weights
(per channel). Running it needs only ``onnxruntime`` and ``tokenizers``: no torch import. Texts are
tokenised with the folder's own ``tokenizer.json`` (truncated to the model's max positions), sorted
by length and padded per batch, as sentence-transformers does.

Files go under ``<folder>/onnx-export/`` (``model.onnx``, ``model_qint8.onnx``, a marker naming the
source weights), written to a temp folder and renamed into place, so a half-written export is never
loaded; it is built again when the source folder's weights change. Nothing is downloaded.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

EXPORT_DIR = "onnx-export"
MARKER = "export.json"
FORMAT_VERSION = 1
FILES = {"fp32": "model.onnx", "int8": "model_qint8.onnx"}


def _fingerprint(folder: Path) -> dict:
    weights = folder / "model.safetensors"
    stat = weights.stat()
    return {"format_version": FORMAT_VERSION, "weights_bytes": stat.st_size, "weights_mtime_ns": stat.st_mtime_ns}


def _is_complete(target: Path, folder: Path) -> bool:
    try:
        return json.loads((target / MARKER).read_text()) == _fingerprint(folder) and all(
            (target / name).exists() for name in FILES.values())
    except (OSError, ValueError):
        return False


def export(folder: Path) -> Path:
    """Export ``folder`` (a sentence-transformers model: transformer + mean pooling + normalize) to
    ONNX, fp32 and dynamic int8, unless a complete export of the same weights is there."""
    folder = Path(folder)
    target = folder / EXPORT_DIR
    if _is_complete(target, folder):
        return target
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    tmp = Path(tempfile.mkdtemp(prefix=f".{EXPORT_DIR}.", dir=folder))
    try:
        encoder = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.encoder = encoder

            def forward(self, input_ids, attention_mask):
                tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(mean, p=2, dim=1)

        sample = torch.ones((2, 8), dtype=torch.long)
        axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"}}
        with torch.no_grad():
            torch.onnx.export(Pooled().eval(), (sample, sample), str(tmp / FILES["fp32"]), dynamo=False,
                              input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                              dynamic_axes=axes, opset_version=17)
        quantize_dynamic(tmp / FILES["fp32"], tmp / FILES["int8"], weight_type=QuantType.QInt8,
                         per_channel=True, op_types_to_quantize=["MatMul"])
        (tmp / MARKER).write_text(json.dumps(_fingerprint(folder)))
        os.umask(umask := os.umask(0o022))
        for path in [tmp, *tmp.iterdir()]:  # mkdtemp leaves 0700
            path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)
        if _is_complete(target, folder):  # a concurrent exporter finished first
            shutil.rmtree(tmp)
            return target
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if _is_complete(target, folder):  # lost a rename race
            return target
        raise
    return target


class OnnxEncoder:
    """Sentence embeddings from an exported folder; ``kind`` is "int8" or "fp32"."""

    def __init__(self, folder: Path, kind: str = "int8", threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        path = export(folder) / FILES[kind]
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(config.get("max_position_embeddings", 512))
        self.pad_id = config.get("pad_token_id") or 0
        prompts = folder / "config_sentence_transformers.json"
        self.prompts = json.loads(prompts.read_text(encoding="utf-8")).get("prompts", {}) if prompts.exists() else {}

    def encode(self, texts: list[str], prompt_name: str | None = None, batch_size: int = 32) -> np.ndarray:
        """Normalised embeddings, one row per text (in order), ``prompt_name``'s prefix prepended."""
        prefix = self.prompts.get(prompt_name, "") if prompt_name else ""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # longest first, as sentence-transformers
        parts = []
        for start in range(0, len(order), batch_size):
            encodings = self.tokenizer.encode_batch([prefix + texts[i] for i in order[start:start + batch_size]])
            width = max(len(e.ids) for e in encodings)
            ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(encodings), width), dtype=np.int64)
            for row, e in enumerate(encodings):
                ids[row, :len(e.ids)], mask[row, :len(e.ids)] = e.ids, 1
            parts.append(self.session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0])
        if not parts:
            return np.zeros((0, self.session.get_outputs()[0].shape[1] or 0), dtype=np.float32)
        out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        out[order] = np.concatenate(parts)
        return out
