"""Pure domain logic: data, venue scales, ranking formulas, estimator, advisor, alert rules.

Standard library only — no Qt, no ccxt, no I/O — so every rule can be tested in isolation and
the whole pipeline runs headless.
"""
