"""The asyncio side: per-account refresh loops, websockets, back-off, staleness, snapshots.

Runs in its own thread (`runner.EngineRunner`) or under `asyncio.run` (`engine.Engine`); driven
the same way by the CLI, the GUI and the benchmarks. Importing this package is cheap: ccxt is
imported only when the first connector is built.
"""
