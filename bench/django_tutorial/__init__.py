"""Django's polls tutorial (parts 1-4), the baseline the vote is measured against
(issue #27: "the vote >= 2x Django's tutorial"). Written after the tutorial's own
code, with startproject's default middleware; nothing tuned. Served by bench.http_load."""
