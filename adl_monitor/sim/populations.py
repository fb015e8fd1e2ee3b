"""The simulator's two trader families, by the names the command line and `World` take, and
the size of the book they fill.

"a" is `population.py` (one position per trader, drawn per seed by `population_mix`); "b" is
`population_b.py`, designed apart from the estimator (docs/simulator.md, "Two trader
populations"). A module of its own so that the command line can offer the choice without
importing the world at every start."""

POPULATIONS = ("a", "b")

DEFAULT_TRADERS_PER_SIDE = 150
"""Synthetic traders per venue, coin and side: enough for the app's demo and the tests, light
enough to step at 10× speed. A trending market can leave a handful of one side in profit, so the
accuracy benchmark plays a bigger book (`benchmarks/estimate_accuracy.TRADERS_PER_SIDE`)."""
