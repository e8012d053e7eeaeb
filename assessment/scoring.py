"""Weighted scores, worked the same way on every page, export and API answer.

An assessor's score for an application is out of 100: each criterion's score over its scale, times its
weight, summed and divided by the sum of the weights. The application's score is the mean of its submitted
assessors' scores; the spread is the highest less the lowest, flagged when it passes the call's limit.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def assessor_score(marks: list[tuple[int, int, int]]) -> Decimal | None:
    """`marks`: (score, highest score, weight) per criterion. None when nothing is scored."""
    total_weight = sum(weight for _score, _top, weight in marks)
    if not marks or total_weight == 0:
        return None
    earned = sum(Decimal(weight) * Decimal(score) / Decimal(top) for score, top, weight in marks)
    return (earned * 100 / Decimal(total_weight)).quantize(HUNDREDTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class Moderation:
    score: Decimal | None
    spread: Decimal | None
    assessors: int
    disagree: bool


def moderate(scores: list[Decimal], disagreement_points: Decimal) -> Moderation:
    if not scores:
        return Moderation(None, None, 0, False)
    mean = (sum(scores, Decimal(0)) / len(scores)).quantize(HUNDREDTH, ROUND_HALF_UP)
    spread = max(scores) - min(scores)
    return Moderation(mean, spread, len(scores), len(scores) > 1 and spread > disagreement_points)
