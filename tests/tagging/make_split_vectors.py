"""Write data/encoder/split_vectors.npz and split_vectors_mpnet.npz: each encoder's vector for every
string the tagger embeds with it when it reads the frozen test splits and the multilingual dev split
(each comment, and its sentences and clauses; mpnet reads only the English ones), so that the tests
measuring the model on those splits read the vectors instead of encoding ~8,000 strings (6 CPU-minutes)
on every run. tests/tagging/conftest.py loads them into the encoder's cache of recent vectors (exactly
what a re-tag run would have there) and a test encodes a sample again to check they are still the
encoder's. Strings the file lacks (a split or the segmenting changed) are encoded as usual.

    .venv/bin/python -m tests.tagging.make_split_vectors

Run it when the encoder or the frozen splits change (tests/tagging/test_model.py says so when it must).
"""

import json
import re
from pathlib import Path

import numpy as np

from poll.tagging import encoder, mpnet
from poll.tagging.features import comment_features, english_features
from poll.tagging.language import detect_language
from poll.tagging.training.datasets import MULTILINGUAL_FILE, rows_of
from poll.tagging.training.measure import FROZEN_TEST_FILES

ENCODER_DIR = Path(__file__).resolve().parents[2] / "data" / "encoder"
# Each encoder: its module, where its vectors are kept, and the features that ask it.
ENCODERS = {
    "e5": (encoder, ENCODER_DIR / "split_vectors.npz", comment_features),
    "mpnet": (mpnet, ENCODER_DIR / "split_vectors_mpnet.npz", english_features),
}


MIXED = ["vectors of more than one encoder"]


def split_texts() -> list[str]:
    """The frozen test splits' comments, and the multilingual dev split's, which the stance language
    gate measures (test_model.py checks the gate; encoding them took it 25 s)."""
    frozen = [row["text"] for path in FROZEN_TEST_FILES for row in rows_of(path, "test")]
    return frozen + [row["text"] for row in rows_of(MULTILINGUAL_FILE, "dev")]


def texts_for(name: str) -> list[str]:
    """The split texts the tagger embeds with encoder ``name``: e5 all, mpnet the English ones."""
    texts = split_texts()
    return texts if name == "e5" else [text for text in texts if detect_language(text) == "en"]


def identity(module) -> list[str]:
    """[encoder name, SHA-256]: e5's weights', mpnet's graph's (the frozen encoder and the stance branch)."""
    sha256 = module.MODEL_SHA256 if module is encoder else module.GRAPH_SHA256
    return [module.ENCODER_NAME, sha256]


def main() -> None:
    for name, (module, path, features) in ENCODERS.items():
        module.RECENT.vectors.clear()
        module.RECENT.size = 10**6
        # The vectors stored for this very encoder are kept: a new split costs only its own strings.
        kept: set[str] = set()
        shards = shard_paths(name)
        if shards:
            strings, vectors, stored = load(name)
            if stored == identity(module):
                kept = set(strings)
                for text, vector in zip(strings, vectors, strict=True):
                    module.RECENT.put(text, vector)
            else:
                for shard in shards:
                    shard.unlink()
                shards = []
        features(texts_for(name))
        new = [text for text in module.RECENT.vectors if text not in kept]
        if not new:
            print(f"{path.name} and its shards already hold every vector")
            continue
        shard = path if not shards else path.with_suffix(f".{shard_number(shards[-1]) + 1}.npz")
        _write(shard, new, np.stack([module.RECENT.vectors[text] for text in new]), identity(module))
        print(f"{len(new)} vectors written to {shard}")


def shard_paths(name: str) -> list[Path]:
    """Encoder ``name``'s files of vectors, first written first: split_vectors_mpnet.npz, .2.npz, ...
    (other files beside them, say a .old.npz, are not read)."""
    path = ENCODERS[name][1]
    numbered = re.compile(rf"{re.escape(path.stem)}\.(\d+)\.npz")
    more = sorted(
        (shard for shard in path.parent.glob(f"{path.stem}.*.npz") if numbered.fullmatch(shard.name)),
        key=shard_number,
    )
    if more and not path.is_file():
        raise SystemExit(
            f"{path} is missing beside {more[0].name}: restore it (git checkout -- {path.relative_to(ENCODER_DIR.parents[1])})"
            " or delete the numbered shards, then run python -m tests.tagging.make_split_vectors"
        )
    return [path, *more] if path.is_file() else []


def shard_number(shard: Path) -> int:
    """1 for the first file (split_vectors.npz), n for split_vectors.n.npz."""
    return int(shard.suffixes[-2][1:]) if len(shard.suffixes) > 1 else 1


def _write(path: Path, strings: list[str], vectors: np.ndarray, encoder_identity: list[str]) -> None:
    np.savez_compressed(
        path,
        # The strings as UTF-8 JSON bytes: loading them needs no pickle.
        texts=np.frombuffer(json.dumps(strings, ensure_ascii=False).encode(), dtype=np.uint8),
        vectors=vectors.astype(np.float32),
        encoder=np.array(encoder_identity),
    )


def load(name: str = "e5") -> tuple[list[str], np.ndarray, list[str]]:
    """(strings, their vectors, [encoder name, weights' SHA-256]) of encoder ``name``, every shard's.
    Shards of different encoders give MIXED for the identity, which no encoder has: the checks then fail
    and the script writes them all again."""
    shards = load_shards(name)
    if not shards:  # none written yet: no encoder's, so the checks say to write them
        return [], np.empty((0, 0), dtype=np.float32), ["no vectors stored"]
    strings = [text for shard_strings, _, _ in shards for text in shard_strings]
    mixed = any(found != shards[0][2] for _, _, found in shards)
    return strings, np.concatenate([vectors for _, vectors, _ in shards]), MIXED if mixed else shards[0][2]


def load_shards(name: str) -> list[tuple[list[str], np.ndarray, list[str]]]:
    """Each shard's (strings, vectors, encoder identity), first written first."""
    found = []
    for shard in shard_paths(name):
        with np.load(shard) as stored:
            strings = json.loads(stored["texts"].tobytes().decode())
            found.append((strings, stored["vectors"], [str(part) for part in stored["encoder"]]))
    return found


if __name__ == "__main__":
    main()
