"""Where a position stands in its venue's ADL queue: each venue's ranking formula
(`formulas/`), each venue's own indicator mapped onto the common tier scale (`scales/`),
and a score's place among other traders' scores (`queue.py`).
"""
