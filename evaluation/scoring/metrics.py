"""The one registry of challenge metrics, and their computation in the trusted parent with scikit-learn.

Each metric says its name, its label, whether higher is better and what predictions it needs; the
challenge form, the leaderboard order, the publish checks and the workers all read it from here.
Classification models return one row of class scores (logits) per input; a single column is read as
the positive-class score of a binary task. Regression models return one value per input.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

import numpy as np

from evaluation.scoring.errors import FailureClass, ScoringError


class Metric(StrEnum):
    ACCURACY = "accuracy"
    MACRO_F1 = "macro_f1"
    RMSE = "rmse"
    MAE = "mae"
    ROC_AUC = "roc_auc"
    LOG_LOSS = "log_loss"


class Task(StrEnum):
    CLASSIFICATION = "classification"
    REGRESSION = "regression"


PREDICTIONS_NEEDED = {
    Task.CLASSIFICATION: "one score per class for each row (output shape [number of classes]; the arg-max is "
    "the predicted class), or output shape [1] with the positive-class score of a binary task",
    Task.REGRESSION: "one value per row (output shape [1])",
}

Scorer = Callable[[np.ndarray, np.ndarray], float]
RowLosses = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class MetricSpec:
    name: Metric
    label: str
    higher_is_better: bool
    task: Task
    compute: Scorer
    # Each row's loss, for metrics that grow with the mean loss over rows (RMSE: its square); the Ladder
    # pairs them to tell an improvement from noise.
    row_losses: RowLosses | None = None

    @property
    def predictions_needed(self) -> str:
        return PREDICTIONS_NEEDED[self.task]

    @property
    def description(self) -> str:
        direction = "higher is better" if self.higher_is_better else "lower is better"
        return f"{self.label} ({direction}): the model returns {self.predictions_needed}."


class UnknownMetric(ValueError):
    """A metric name that the registry does not hold."""


# ---- predictions as the metrics read them --------------------------------------------------------


def _binary_scores(predictions: np.ndarray) -> np.ndarray | None:
    if predictions.ndim == 1 or predictions.shape[1] == 1:
        return predictions.reshape(-1)
    return None


def predicted_classes(predictions: np.ndarray) -> np.ndarray:
    scores = _binary_scores(predictions)
    if scores is not None:
        return (scores >= 0.5).astype(np.int64)
    return predictions.argmax(axis=1)


def _class_probabilities(predictions: np.ndarray) -> np.ndarray:
    scores = _binary_scores(predictions)
    if scores is not None:
        return np.stack([1 - scores, scores], axis=1).clip(1e-15, 1 - 1e-15)
    from scipy.special import softmax  # on first use, like scikit-learn (see _sklearn_metrics)

    return softmax(predictions.astype(np.float64), axis=1)


def _values(predictions: np.ndarray) -> np.ndarray:
    if predictions.ndim == 2 and predictions.shape[1] == 1:
        return predictions[:, 0]
    if predictions.ndim != 1:
        raise ScoringError(FailureClass.OUTPUT, "A regression model must return one value per input.")
    return predictions


# ---- the metrics ---------------------------------------------------------------------------------


def _sklearn_metrics() -> ModuleType:
    # Imported on first use: every web and chain process reads this registry (names, directions), and
    # scikit-learn with SciPy costs most of a second to import, which only a process that scores needs.
    from sklearn import metrics

    return metrics


def _accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    return float(_sklearn_metrics().accuracy_score(labels, predicted_classes(predictions)))


def _macro_f1(predictions: np.ndarray, labels: np.ndarray) -> float:
    return float(
        _sklearn_metrics().f1_score(labels, predicted_classes(predictions), average="macro", zero_division=0)
    )


def _roc_auc(predictions: np.ndarray, labels: np.ndarray) -> float:
    sk = _sklearn_metrics()
    scores = _binary_scores(predictions)
    try:
        if scores is not None:
            return float(sk.roc_auc_score(labels, scores))
        if predictions.shape[1] == 2:
            return float(sk.roc_auc_score(labels, _class_probabilities(predictions)[:, 1]))
        probabilities = _class_probabilities(predictions)
        classes = np.arange(probabilities.shape[1])
        return float(sk.roc_auc_score(labels, probabilities, multi_class="ovr", labels=classes))
    except ValueError as exc:
        raise ScoringError(FailureClass.OUTPUT, "ROC-AUC is undefined for these predictions.") from exc


def _misclassified(predictions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return (predicted_classes(predictions) != labels).astype(np.float64)


def _log_losses(predictions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    from scipy.special import log_softmax  # on first use, like scikit-learn (see _sklearn_metrics)

    scores = _binary_scores(predictions)
    log_p = (
        np.log(_class_probabilities(predictions)) if scores is not None else log_softmax(predictions, axis=1)
    )
    return np.asarray(-log_p[np.arange(len(labels)), labels.astype(np.int64)])


def _squared_errors(predictions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.asarray((_values(predictions) - labels) ** 2)


def _absolute_errors(predictions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.abs(_values(predictions) - labels)


def _mean_of(row_losses: RowLosses, *, root: bool = False) -> Scorer:
    def mean(predictions: np.ndarray, labels: np.ndarray) -> float:
        value = float(row_losses(predictions, labels).mean())
        return float(np.sqrt(value)) if root else value

    return mean


METRICS: Mapping[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        MetricSpec(Metric.ACCURACY, "Accuracy", True, Task.CLASSIFICATION, _accuracy, _misclassified),
        MetricSpec(Metric.MACRO_F1, "Macro-F1", True, Task.CLASSIFICATION, _macro_f1),
        MetricSpec(
            Metric.RMSE, "RMSE", False, Task.REGRESSION, _mean_of(_squared_errors, root=True), _squared_errors
        ),
        MetricSpec(Metric.MAE, "MAE", False, Task.REGRESSION, _mean_of(_absolute_errors), _absolute_errors),
        MetricSpec(Metric.ROC_AUC, "ROC-AUC", True, Task.CLASSIFICATION, _roc_auc),
        MetricSpec(
            Metric.LOG_LOSS, "Log loss", False, Task.CLASSIFICATION, _mean_of(_log_losses), _log_losses
        ),
    )
}


def metric_spec(metric: str) -> MetricSpec:
    """The registry entry of a metric; raises UnknownMetric."""
    try:
        return METRICS[metric]
    except KeyError as exc:
        raise UnknownMetric(f"Unknown metric '{metric}'; the registry has {', '.join(METRICS)}.") from exc


def metric_choices() -> list[tuple[str, str]]:
    """(name, label) pairs in registry order, for form and model choices."""
    return [(spec.name.value, spec.label) for spec in METRICS.values()]


def higher_is_better(metric: str) -> bool:
    return metric_spec(metric).higher_is_better


def compute_metric(metric: str, predictions: np.ndarray, labels: np.ndarray) -> float:
    """The metric on these rows; raises ScoringError(OUTPUT) when predictions cannot be scored."""
    labels = labels.reshape(-1) if labels.ndim > 1 and labels.shape[1] == 1 else labels
    return metric_spec(metric).compute(predictions, labels)


def per_row_losses(metric: str, predictions: np.ndarray, labels: np.ndarray) -> np.ndarray | None:
    """Each row's loss where the metric follows the mean loss (lower is better); None for the others."""
    row_losses = metric_spec(metric).row_losses
    return None if row_losses is None else row_losses(predictions, labels)


def check_labels_fit(metric: str, predictions: np.ndarray, labels: np.ndarray) -> None:
    """Class labels must index the predicted score columns; raises ScoringError(OUTPUT)."""
    scores_per_class = predictions.ndim == 2 and predictions.shape[1] > 1
    classification = metric_spec(metric).task == Task.CLASSIFICATION
    if classification and scores_per_class and labels.max(initial=0) >= predictions.shape[1]:
        raise ScoringError(
            FailureClass.OUTPUT,
            f"The model returns {predictions.shape[1]} class scores, fewer than the challenge's classes.",
        )


# ---- what an organizer's settings must satisfy ---------------------------------------------------


def output_shape_problem(metric: str, output_shape: Sequence[int]) -> str | None:
    """Why this metric cannot score outputs of this per-row shape, or None when it can."""
    spec = metric_spec(metric)
    shape = list(output_shape)
    if spec.task == Task.REGRESSION and shape != [1]:
        return f"{spec.label} needs {spec.predictions_needed}, not output shape {shape}."
    if spec.task == Task.CLASSIFICATION and len(shape) != 1:
        return f"{spec.label} needs {spec.predictions_needed}, not output shape {shape}."
    return None


def labels_problem(metric: str, labels: np.ndarray, output_shape: Sequence[int]) -> str | None:
    """Why this metric cannot score these labels with outputs of this shape, or None when it can.

    Beyond the label values, it scores constant predictions on the labels, as a worker would score a
    model: a metric that is undefined here (ROC-AUC on one class) would fail every submission.
    """
    spec = metric_spec(metric)
    flat = labels.reshape(-1) if labels.ndim == 2 and labels.shape[1] == 1 else labels
    if flat.ndim != 1:
        return f"Labels must be one value per row, not rows of shape {list(labels.shape[1:])}."
    if spec.task == Task.CLASSIFICATION:
        problem = _class_labels_problem(spec, flat, list(output_shape))
        if problem is not None:
            return problem
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # scikit-learn warns, then answers NaN, where a metric is undefined
            value = spec.compute(np.zeros((len(flat), *output_shape), dtype=np.float32), flat)
    except (ScoringError, ValueError) as exc:
        return f"{spec.label} cannot be computed on these labels ({exc})."
    if not np.isfinite(value):
        return f"{spec.label} cannot be computed on these labels (it is undefined, e.g. for a single class)."
    return None


def _class_labels_problem(spec: MetricSpec, labels: np.ndarray, output_shape: list[int]) -> str | None:
    n_classes = output_shape[0] if output_shape and output_shape[0] > 1 else 2
    if labels.dtype.kind == "f" and not np.array_equal(labels, np.round(labels)):
        return f"{spec.label} needs class labels (whole numbers), but the labels have fractions."
    if labels.min(initial=0) < 0 or labels.max(initial=0) >= n_classes:
        return (
            f"{spec.label} with output shape {output_shape} needs class labels from 0 to {n_classes - 1}, "
            f"but the labels run from {labels.min()} to {labels.max()}."
        )
    return None
