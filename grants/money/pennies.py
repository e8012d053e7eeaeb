"""Sharing an amount out in proportion, to the penny: the shares always add up to the amount."""

from decimal import ROUND_FLOOR, Decimal

PENNY = Decimal("0.01")


def share_out(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split in proportion to `weights` (largest remainder: the pennies left by rounding down go to
    the shares that lost most, the earlier first). Equal shares when every weight is nothing."""
    if not weights:
        return []
    whole = sum(weights, Decimal(0))
    if whole <= 0:
        weights = [Decimal(1)] * len(weights)
        whole = Decimal(len(weights))
    exact = [total * w / whole for w in weights]
    shares = [e.quantize(PENNY, rounding=ROUND_FLOOR) for e in exact]
    left = int((total - sum(shares, Decimal(0))) / PENNY)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += PENNY
    return shares
