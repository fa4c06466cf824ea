"""What every head's model card opens with: its task, when it was fitted, on which encoder and files."""

from datetime import date
from pathlib import Path

from poll.tagging.training.datasets import DATA_DIR


def card_header(task: str, encoder_name: str, encoder_sha256: str, files: tuple[Path, ...]) -> dict:
    """The card's first keys; ``files`` are named as under data/."""
    return {
        "task": task,
        "trained": date.today().isoformat(),
        "encoder": encoder_name,
        "encoder_sha256": encoder_sha256,
        "data": {"files": [str(path.relative_to(DATA_DIR)) for path in files]},
    }
