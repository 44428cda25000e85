"""The catalogue of leaderboard metrics: names, labels and which direction is better.

Only the catalogue lives here; computing a metric is the evaluation pipeline's job.
"""

from dataclasses import dataclass

from django.db import models


class Metric(models.TextChoices):
    ACCURACY = "accuracy", "Accuracy"
    MACRO_F1 = "macro_f1", "Macro-F1"
    RMSE = "rmse", "RMSE"
    MAE = "mae", "MAE"
    ROC_AUC = "roc_auc", "ROC-AUC"
    LOG_LOSS = "log_loss", "Log loss"


@dataclass(frozen=True)
class MetricInfo:
    higher_is_better: bool
    task: str  # "classification" or "regression": what the labels must look like


METRIC_INFO: dict[str, MetricInfo] = {
    Metric.ACCURACY: MetricInfo(higher_is_better=True, task="classification"),
    Metric.MACRO_F1: MetricInfo(higher_is_better=True, task="classification"),
    Metric.ROC_AUC: MetricInfo(higher_is_better=True, task="classification"),
    Metric.LOG_LOSS: MetricInfo(higher_is_better=False, task="classification"),
    Metric.RMSE: MetricInfo(higher_is_better=False, task="regression"),
    Metric.MAE: MetricInfo(higher_is_better=False, task="regression"),
}


def higher_is_better(metric: str) -> bool:
    return METRIC_INFO[metric].higher_is_better
