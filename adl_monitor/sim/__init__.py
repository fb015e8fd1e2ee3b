"""The simulated exchange: venues' real REST/WS dialects on 127.0.0.1, driven by a market and
a population of traders.

Demo mode of the app, ground truth for the local ADL estimate, and the test bed for the
connectors. Entry points: `server.SimExchange` (async), `thread.SimExchangeThread` (sync
callers), `demo` (accounts and fixed credentials), `adl-monitor sim-exchange` (CLI).
"""
