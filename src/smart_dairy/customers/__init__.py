"""Customer analytics on plain order tables (``customer_id``, ``date``, ``amount``):
RFM segments, lifecycle and health, K-means clusters, 60-day churn, and expected
value from BG/NBD or Pareto/NBD and Gamma-Gamma. Framework-free: pandas frames in,
pandas frames out."""

from .churn import ChurnModel, dataset, features, labels, risk_level, score, train
from .clusters import Clustering, cluster, describe
from .errors import CustomerInputError
from .rfm import SEGMENTS, STAGES, health, quintile, rfm, segment
from .value import (
    BgNbd,
    GammaGamma,
    ParetoNbd,
    ValueModel,
    choose_count_model,
    choose_value,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_paretonbd,
    fit_value,
    summary,
)

__all__ = [
    "SEGMENTS",
    "STAGES",
    "BgNbd",
    "ChurnModel",
    "Clustering",
    "CustomerInputError",
    "GammaGamma",
    "ParetoNbd",
    "ValueModel",
    "choose_count_model",
    "choose_value",
    "cluster",
    "dataset",
    "describe",
    "features",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_paretonbd",
    "fit_value",
    "health",
    "labels",
    "quintile",
    "rfm",
    "risk_level",
    "score",
    "segment",
    "summary",
    "train",
]
