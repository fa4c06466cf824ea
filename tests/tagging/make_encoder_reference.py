"""Write data/encoder/e5_reference.json: the encoder's vectors for a few
comments in every language the tagger reads, as the heads were fitted on them.

    .venv/bin/python -m tests.tagging.make_encoder_reference

Run it only when the encoder changes on purpose (and fit the heads again).
"""

import json
from pathlib import Path

from poll.tagging.encoder import ENCODER_NAME, MODEL_SHA256, embed

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "encoder" / "e5_reference.json"
TEXTS = [
    "North Korea fired two ballistic missiles into the sea this morning.",
    "Talks are the only way out; every strike would get Seoul shelled.",
    "Rewarding their provocations with summits only emboldens them.",
    "You make a fair point about China, but I think you're wrong about Russia.",
    "북한이 오늘 아침 탄도미사일 두 발을 바다로 발사했다.",
    "北朝鮮は今朝、弾道ミサイル2発を海に向けて発射した。",
    "朝鲜今天早上向海里发射了两枚弹道导弹。",
    "أطلقت كوريا الشمالية صاروخين باليستيين في البحر صباح اليوم.",
    "Corea del Norte disparó esta mañana dos misiles balísticos al mar.",
    "La Corée du Nord a tiré ce matin deux missiles balistiques en mer.",
    "Nordkorea hat heute Morgen zwei ballistische Raketen ins Meer geschossen.",
    "Северная Корея сегодня утром выпустила в море две баллистические ракеты.",
    "A Coreia do Norte disparou esta manhã dois mísseis balísticos no mar.",
    "What a lovely sunny day for a walk in the park.",
]


def main() -> None:
    vectors = embed(TEXTS)
    REFERENCE.write_text(
        json.dumps(
            {
                "encoder": ENCODER_NAME,
                "encoder_sha256": MODEL_SHA256,
                "texts": TEXTS,
                "vectors": [[round(float(value), 6) for value in row] for row in vectors],
            }
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
