"""The figures the model card reports, on rows small enough to count by hand."""

import numpy as np

from poll.tagging.metrics import flag_rates


def test_flag_rates_count_caught_insults_and_flagged_civil_comments():
    flagged = np.array([True, False, True, True, False])
    targets = np.array([1, 1, 0, 0, 0])
    assert flag_rates(flagged, targets) == {"caught": 0.5, "false_flags": 0.667, "uncivil": 2, "civil": 3}


def test_a_set_of_civil_comments_only_has_no_share_caught():
    """The short stance split is all civil: nothing to catch, so no figure (not NaN and a warning)."""
    rates = flag_rates(np.array([True, False, False, False]), np.array([0, 0, 0, 0]))
    assert rates == {"caught": None, "false_flags": 0.25, "uncivil": 0, "civil": 4}
