"""Challenge metrics, computed in the trusted parent with scikit-learn.

Classification models return one row of class scores (logits) per input; a single column is read as
the positive-class score of a binary task. Regression models return one value per input.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn import metrics as sk

from evaluation.scoring.errors import FailureClass, ScoringError


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
    return softmax(predictions.astype(np.float64), axis=1)


def _values(predictions: np.ndarray) -> np.ndarray:
    if predictions.ndim == 2 and predictions.shape[1] == 1:
        return predictions[:, 0]
    if predictions.ndim != 1:
        raise ScoringError(FailureClass.OUTPUT, "A regression model must return one value per input.")
    return predictions


def compute_metric(metric: str, predictions: np.ndarray, labels: np.ndarray) -> float:
    """The metric on these rows; raises ScoringError(OUTPUT) when predictions cannot be scored."""
    labels = labels.reshape(-1) if labels.ndim > 1 and labels.shape[1] == 1 else labels
    if metric == "accuracy":
        return float(sk.accuracy_score(labels, predicted_classes(predictions)))
    if metric == "macro_f1":
        return float(sk.f1_score(labels, predicted_classes(predictions), average="macro", zero_division=0))
    if metric == "roc_auc":
        return _roc_auc(predictions, labels)
    if metric == "log_loss":
        return float(per_row_losses(metric, predictions, labels).mean())  # type: ignore[union-attr]
    if metric == "rmse":
        return float(np.sqrt(sk.mean_squared_error(labels, _values(predictions))))
    if metric == "mae":
        return float(sk.mean_absolute_error(labels, _values(predictions)))
    raise ValueError(f"unknown metric {metric}")


def _roc_auc(predictions: np.ndarray, labels: np.ndarray) -> float:
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


def per_row_losses(metric: str, predictions: np.ndarray, labels: np.ndarray) -> np.ndarray | None:
    """Each row's loss for metrics that are a mean over rows (lower is better); None for the others."""
    if metric == "accuracy":
        return (predicted_classes(predictions) != labels).astype(np.float64)
    if metric == "log_loss":
        scores = _binary_scores(predictions)
        log_p = (
            np.log(_class_probabilities(predictions))
            if scores is not None
            else log_softmax(predictions, axis=1)
        )
        return -log_p[np.arange(len(labels)), labels.astype(np.int64)]
    if metric == "rmse":
        return (_values(predictions) - labels) ** 2
    if metric == "mae":
        return np.abs(_values(predictions) - labels)
    return None


def check_labels_fit(metric: str, predictions: np.ndarray, labels: np.ndarray) -> None:
    """Class labels must index the predicted score columns; raises ScoringError(OUTPUT)."""
    scores_per_class = predictions.ndim == 2 and predictions.shape[1] > 1
    classification = metric in ("accuracy", "macro_f1", "roc_auc", "log_loss")
    if classification and scores_per_class and labels.max(initial=0) >= predictions.shape[1]:
        raise ScoringError(
            FailureClass.OUTPUT,
            f"The model returns {predictions.shape[1]} class scores, fewer than the challenge's classes.",
        )
