"""Write data/encoder/split_vectors.npz: the encoder's vector for every string the tagger embeds when it
reads the frozen test splits (each comment, and its sentences and clauses), so that the tests measuring
the model on those splits read the vectors instead of encoding ~4,800 strings (3.5 CPU-minutes) on
every run. tests/tagging/conftest.py loads them into the encoder's cache of recent vectors (exactly
what a re-tag run would have there) and a test encodes a sample again to check they are still the
encoder's. Strings the file lacks (a split or the segmenting changed) are encoded as usual.

    .venv/bin/python -m tests.tagging.make_split_vectors

Run it when the encoder or the frozen splits change (tests/tagging/test_model.py says so when it must).
"""

import json
from pathlib import Path

import numpy as np

from poll.tagging import encoder
from poll.tagging.encoder import ENCODER_NAME, MODEL_SHA256
from poll.tagging.features import comment_features
from poll.tagging.training.datasets import (
    INCIVILITY_FILE,
    INCIVILITY_HOLDOUT_FILE,
    MULTILINGUAL_FILE,
    STANCE_FILE,
    STANCE_HOLDOUT_FILE,
    rows_of,
)

SPLIT_VECTORS = Path(__file__).resolve().parents[2] / "data" / "encoder" / "split_vectors.npz"
FROZEN_TEST_SPLITS = (
    STANCE_FILE,
    STANCE_HOLDOUT_FILE,
    INCIVILITY_FILE,
    INCIVILITY_HOLDOUT_FILE,
    MULTILINGUAL_FILE,
)


def split_texts() -> list[str]:
    return [row["text"] for path in FROZEN_TEST_SPLITS for row in rows_of(path, "test")]


def main() -> None:
    encoder.RECENT.vectors.clear()
    comment_features(split_texts())
    strings = list(encoder.RECENT.vectors)
    vectors = np.stack([encoder.RECENT.vectors[text] for text in strings]).astype(np.float32)
    np.savez_compressed(
        SPLIT_VECTORS,
        # The strings as UTF-8 JSON bytes: loading them needs no pickle.
        texts=np.frombuffer(json.dumps(strings, ensure_ascii=False).encode(), dtype=np.uint8),
        vectors=vectors,
        encoder=np.array([ENCODER_NAME, MODEL_SHA256]),
    )
    print(f"{len(strings)} vectors written to {SPLIT_VECTORS}")


def load() -> tuple[list[str], np.ndarray, list[str]]:
    """(strings, their vectors, [encoder name, weights' SHA-256]) from SPLIT_VECTORS."""
    with np.load(SPLIT_VECTORS) as stored:
        strings = json.loads(stored["texts"].tobytes().decode())
        return strings, stored["vectors"], [str(part) for part in stored["encoder"]]


if __name__ == "__main__":
    main()
