"""The simulator's two trader families, by the names the command line and `World` take.

"a" is `population.py` (one position per trader, drawn per seed by `population_mix`); "b" is
`population_b.py`, designed apart from the estimator (docs/simulator.md, "Two trader
populations"). A module of its own so that the command line can offer the choice without
importing the world at every start."""

POPULATIONS = ("a", "b")
