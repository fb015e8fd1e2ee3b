"""Our own estimate of a position's ADL tier: the rank estimator that learns each queue's
score → tier cut points from the tiers venues report (`rank_estimator.py`), and the prior
built from public market data for venues that report none (`public_prior.py`).
"""
