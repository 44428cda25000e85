"""What the long-running processes import at start: `make run` starts five of them at once on the same cores,
so PyTorch and scikit-learn (seconds of imports) stay with the code that trains or scores."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

HEAVY = ("torch", "sklearn", "scipy.stats")
# The web process (every URL's views) and the chain process (the demo story included).
PROCESS_ENTRY_POINTS = {
    "web": "from django.urls import get_resolver; get_resolver().url_patterns",
    "chain": "import governance.management.commands.chain_node",
}


@pytest.mark.parametrize("process", sorted(PROCESS_ENTRY_POINTS))
def test_a_process_that_neither_trains_nor_scores_starts_without_the_heavy_libraries(process: str) -> None:
    script = (
        "import sys, django; django.setup(); "
        f"{PROCESS_ENTRY_POINTS[process]}; "
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clueboard.settings", "DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_metrics_still_load_scikit_learn_when_they_score() -> None:
    import numpy as np

    from evaluation.scoring.metrics import compute_metric

    predictions = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert compute_metric("macro_f1", predictions, np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert compute_metric("roc_auc", predictions, np.array([1, 0, 1])) == pytest.approx(1.0)
    assert compute_metric("log_loss", predictions, np.array([1, 0, 1])) > 0
