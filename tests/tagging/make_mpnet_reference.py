"""Write data/encoder/mpnet_reference.json: all-mpnet-base-v2's vectors for a few comments as the
reference implementation gives them (Hugging Face transformers on PyTorch, mean-pooled and normalised
as sentence-transformers does), so that a test can hold the ONNX graph `make` builds
(poll/tagging/mpnet_graph.py) to them. PyTorch is not one of the project's dependencies: run it from a
scratch virtualenv that has the project's requirements and torch and transformers, with the project's
graph already built (for the weights' path):

    python -m venv /tmp/reference && /tmp/reference/bin/pip install -r requirements.txt torch transformers
    /tmp/reference/bin/python -m tests.tagging.make_mpnet_reference

Run it only when the English encoder changes on purpose (and fit the English stance head again).

    .venv-finetune/bin/python -m tests.tagging.make_mpnet_reference --branch

writes data/encoder/mpnet_branch_reference.json instead: the stance branch's vectors for the same texts,
from the PyTorch branch that was fitted (poll/tagging/training/stance_branch.py) with the shipped
adapters loaded. Run it when the adapters change.
"""

import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

from poll.tagging import mpnet
from poll.tagging.mpnet_graph import _part_files

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "encoder" / "mpnet_reference.json"
BRANCH_REFERENCE = REFERENCE.with_name("mpnet_branch_reference.json")
TEXTS = [
    "North Korea fired two ballistic missiles into the sea this morning.",
    "Talks are the only way out; every strike would get Seoul shelled.",
    "Rewarding their provocations with summits only emboldens them.",
    "You make a fair point about China, but I think you're wrong about Russia.",
    "Sanctions matter, but only talks will stop the launches.",
    "x",
    "What a lovely sunny day for a walk in the park. " * 12,  # longer than the relative buckets' exact range
    "북한이 오늘 아침 탄도미사일 두 발을 바다로 발사했다.",
]


def main() -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    archive = io.BytesIO(b"".join(piece.read_bytes() for piece in _part_files()))
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(archive) as bundle:
        bundle.extractall(folder)
        model_dir = next(Path(folder).glob("*/config.json")).parent
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModel.from_pretrained(model_dir).eval()
        with torch.no_grad():
            batch = tokenizer(
                TEXTS, padding=True, truncation=True, max_length=mpnet.MAX_TOKENS, return_tensors="pt"
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            vectors = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    reference = f"transformers {__import__('transformers').__version__}, torch {torch.__version__}"
    write(REFERENCE, {"reference": reference, "encoder_sha256": mpnet.WEIGHTS_SHA256}, vectors)


def main_branch() -> None:
    import numpy as np
    import torch

    from poll.tagging.encoder import checked
    from poll.tagging.training import branch_modules

    bottom, branch, tokenizer = branch_modules.packaged_modules()
    with np.load(checked(mpnet.BRANCH_FILE, mpnet.BRANCH_SHA256), allow_pickle=False) as stored:
        branch_modules.load_adapters(branch, {name: stored[name] for name in stored.files})
    vectors = branch_modules.BranchEmbedder(branch, branch_modules.BottomStates(bottom, tokenizer))(TEXTS)
    reference = f"poll/tagging/training/branch_modules.py, torch {torch.__version__}"
    write(BRANCH_REFERENCE, {"reference": reference, "branch_sha256": mpnet.BRANCH_SHA256}, vectors)


def write(path: Path, identity: dict[str, str], vectors) -> None:
    """The reference file: who made it, for which weights, the texts and their vectors (6 decimals)."""
    rows = [[round(float(value), 6) for value in row] for row in vectors]
    path.write_text(json.dumps({**identity, "texts": TEXTS, "vectors": rows}) + "\n", encoding="utf-8")
    print(f"{len(TEXTS)} reference vectors written to {path}")


if __name__ == "__main__":
    main_branch() if "--branch" in sys.argv[1:] else main()
