"""The simulated exchange: venues' real REST/WS dialects on 127.0.0.1, driven by a market and a population of traders."""
