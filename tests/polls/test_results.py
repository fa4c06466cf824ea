"""Reading results: the snapshot a poll's pages draw, and percentages that add up."""

import pytest

from poll.polls.results import whole_percentages


@pytest.mark.parametrize(
    "counts, expected",
    [
        ([0, 0, 0], [0, 0, 0]),
        ([1, 1, 1], [34, 33, 33]),
        ([2, 1, 0], [67, 33, 0]),
        ([1, 0, 0], [100, 0, 0]),
        ([1, 1, 1, 1, 1, 1, 1], [15, 15, 14, 14, 14, 14, 14]),
        ([999, 1, 0], [100, 0, 0]),
    ],
)
def test_whole_percentages_add_up_to_100(counts, expected):
    assert whole_percentages(counts) == expected
