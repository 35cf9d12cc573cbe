"""Customer analytics on plain order tables (``customer_id``, ``date``, ``amount``):
RFM segments, lifecycle and health, 60-day churn, and expected value from BG/NBD or
Pareto/NBD and Gamma-Gamma. Framework-free: pandas frames in, pandas frames out."""

from .churn import ChurnModel, dataset, features, labels, risk_level, score, train
from .errors import CustomerInputError
from .rfm import SEGMENTS, STAGES, health, kmeans, quintile, rfm, segment
from .value import (
    BgNbd,
    GammaGamma,
    ParetoNbd,
    ValueModel,
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
    "CustomerInputError",
    "GammaGamma",
    "ParetoNbd",
    "ValueModel",
    "choose_value",
    "dataset",
    "features",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_paretonbd",
    "fit_value",
    "health",
    "kmeans",
    "labels",
    "quintile",
    "rfm",
    "risk_level",
    "score",
    "segment",
    "summary",
    "train",
]
