"""Encoders' vectors kept between training runs (``train --vectors DIR``).

Refitting a head after a round of new rows would otherwise encode every row
again: some 20,000 strings (comments, sentences, clauses), a quarter of an
hour on a two-core machine, for the sake of a few hundred new ones. Each
encoder's vectors are stored under its weights' SHA-256, so vectors from
another encoder are never read as this one's. Training only: the tagger at
run time never reads or writes them.
"""

from pathlib import Path

import numpy as np

from poll.tagging import encoder, mpnet
from poll.tagging.encoder import RecentVectors

# (file stem, the module's in-process store, the hash that names the vectors: e5's weights; mpnet's
# graph, whose vectors are the frozen encoder's and the stance branch's side by side)
STORES = (
    ("e5", encoder.RECENT, encoder.MODEL_SHA256),
    ("mpnet", mpnet.RECENT, mpnet.GRAPH_SHA256),
)
ROOM = 200_000  # strings per encoder kept in memory while training (e5: 384 floats each, mpnet 1,536)


def _path(directory: Path, stem: str, sha256: str) -> Path:
    return directory / f"{stem}-{sha256[:16]}.npz"


def load(directory: Path) -> int:
    """Put the stored vectors into the encoders' in-process stores; how many were read."""
    read = 0
    for stem, recent, sha256 in STORES:
        recent.size = max(recent.size, ROOM)
        path = _path(directory, stem, sha256)
        if not path.is_file():
            continue
        with np.load(path, allow_pickle=False) as stored:
            for text, vector in zip(stored["texts"], stored["vectors"], strict=True):
                recent.put(str(text), vector)
                read += 1
    return read


def save(directory: Path) -> int:
    """Write every vector the encoders hold now; how many were written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for stem, recent, sha256 in STORES:
        texts, vectors = _snapshot(recent)
        if texts:
            np.savez(_path(directory, stem, sha256), texts=np.array(texts), vectors=np.stack(vectors))
            written += len(texts)
    return written


def _snapshot(recent: RecentVectors) -> tuple[list[str], list[np.ndarray]]:
    with recent.lock:
        return list(recent.vectors), list(recent.vectors.values())
