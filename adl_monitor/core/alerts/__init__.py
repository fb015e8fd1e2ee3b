"""When to tell the trader: the alert rules as a pure, clock-driven state machine
(`rules.py`) and the alert they produce (`alert.py`).
"""
