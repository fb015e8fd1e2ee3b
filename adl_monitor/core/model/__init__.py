"""The data every layer passes around: positions, account figures, what one refresh of an
account returned (with the venue's ADL indicator, its venue-wide risk and public market
figures), estimates, snapshots, failures, the tier scale and its alert levels. Frozen
dataclasses and enums, with the small derivations that belong to them.
"""
