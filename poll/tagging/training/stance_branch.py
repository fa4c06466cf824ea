"""mpnet's top layers fitted to stance, as a branch with low-rank adapters (rule F in data/README.md).

    python -m poll.tagging.training.stance_branch --dev        # fitted on train: dev macro-F1 by epoch
    python -m poll.tagging.training.stance_branch --epochs N   # fitted on train + dev: writes the adapters

Training only, and the one part of training that needs PyTorch (``make finetune`` installs the CPU
wheel into an environment of its own; the tagger never imports this module). After ``--epochs``, the
adapters' and the graph's SHA-256 go into ``mpnet`` and ``make install`` builds the graph with the branch;
``train --only english-stance`` then fits the head over it. The bottom
``FIRST_BRANCH_LAYER`` layers stay frozen and their output is computed once per string; the branch's
copies of the top layers carry adapters (``up @ down``, rank ``RANK``; ``branch_modules``) fitted to
predict stance from the branch's mean-pooled vector of the whole comment. What is kept is the adapters
and the branch's layer norms: ``mpnet_graph`` runs them beside mpnet's own weights in the graph.
"""

import argparse
import json
import math
import random
import sys
from typing import Any

import numpy as np

from poll.tagging import mpnet
from poll.tagging.mpnet_graph import HEAD_SIZE, HEADS
from poll.tagging.training.branch_modules import (
    BottomStates,
    BranchEmbedder,
    adapter_arrays,
    load_torch,
    packaged_modules,
    pooled,
)
from poll.tagging.training.stance import choose_strength, english_stance_rows

EPOCHS = 4  # one run of this many; dev chooses where to stop it
LEARNING_RATE, WARM_UP, BATCH, WEIGHT_DECAY = 3e-4, 0.1, 16, 0.01


def fit_branch(
    branch, store: BottomStates, texts: list[str], targets: np.ndarray, stop_after: int, after_epoch=None
):
    """Fit the adapters (and layer norms): one run of EPOCHS passes (its warm-up a share of all EPOCHS),
    stopped after ``stop_after`` of them; ``after_epoch(epoch)`` after each."""
    torch = load_torch()
    torch.manual_seed(0)
    random.seed(0)
    store.add(texts)
    labels = int(targets.max()) + 1
    counts = np.bincount(targets, minlength=labels)
    class_weights = torch.tensor(len(targets) / (labels * counts), dtype=torch.float32)
    classifier = torch.nn.Linear(HEADS * HEAD_SIZE, labels)
    parameters = [parameter for parameter in branch.parameters() if parameter.requires_grad]
    optimiser = torch.optim.AdamW(
        [*parameters, *classifier.parameters()], lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY
    )
    steps_per_epoch = math.ceil(len(texts) / BATCH)
    warm_up = max(1, int(WARM_UP * steps_per_epoch * EPOCHS))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: min(1.0, (step + 1) / warm_up))
    loss_of = torch.nn.CrossEntropyLoss(weight=class_weights)
    indices = list(range(len(texts)))
    for epoch in range(1, stop_after + 1):
        branch.train()
        random.shuffle(indices)
        total = 0.0
        for start in range(0, len(indices), BATCH):
            chosen = indices[start : start + BATCH]
            states, mask = store.batch([texts[index] for index in chosen])
            # The classifier reads the pooled vector scaled up: unit vectors give logits too small to learn.
            logits = classifier(pooled(branch, states, mask) * 20.0)
            loss = loss_of(logits, torch.from_numpy(targets[chosen]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(chosen)
        print(f"epoch {epoch}: training loss {total / len(texts):.4f}", flush=True)
        if after_epoch is not None:
            after_epoch(epoch)
    branch.eval()


def _rows(splits: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """The English stance head's fitting rows' texts and labels: the branch is fitted on the same."""
    rows, targets = english_stance_rows(splits)
    return [row["text"] for row in rows], targets


def dev_figures() -> dict[int, dict[float, float]]:
    """After each epoch of the branch fitted on train, B's head refitted over it on train: dev macro-F1
    by the hidden layer's L2 strength (epoch 0: the frozen encoder)."""
    from poll.tagging.features import comment_features
    from poll.tagging.training.measure import STANCE_LABELS

    (train, train_y), (dev, dev_y) = _rows(("train",)), _rows(("dev",))
    bottom, branch, tokenizer = packaged_modules()
    embed = BranchEmbedder(branch, BottomStates(bottom, tokenizer))
    figures = {}

    def measure(epoch: int) -> None:
        train_x, dev_x = comment_features(train, embed), comment_features(dev, embed)
        figures[epoch] = choose_strength(train_x, train_y, dev_x, dev_y, STANCE_LABELS, network=True)[1]
        print(f"epoch {epoch}: dev macro-F1 by L2 strength {figures[epoch]}", flush=True)

    measure(0)
    fit_branch(branch, embed.store, train, train_y, EPOCHS, measure)
    return figures


def fit_final(stop_after: int) -> dict[str, np.ndarray]:
    """The branch fitted on train + dev, stopped where dev said."""
    texts, targets = _rows(("train", "dev"))
    bottom, branch, tokenizer = packaged_modules()
    fit_branch(branch, BottomStates(bottom, tokenizer), texts, targets, stop_after)
    return adapter_arrays(branch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument(
        "--dev", action="store_true", help="fit on train, print dev macro-F1 after each epoch"
    )
    chosen.add_argument(
        "--epochs", type=int, choices=range(1, EPOCHS + 1), help="fit on train + dev, stop here"
    )
    args = parser.parse_args(argv)
    load_torch().set_num_threads(2)
    if args.dev:
        print(json.dumps(dev_figures(), indent=1))
        return 0
    arrays: dict[str, Any] = fit_final(args.epochs)
    np.savez(mpnet.BRANCH_FILE, **arrays)
    print(f"{mpnet.BRANCH_FILE}: written; put its SHA-256 in poll/tagging/mpnet.py and run `make install`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
