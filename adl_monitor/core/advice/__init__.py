"""What would move a position back in the queue: the suggestion shown beside an alert
(`suggestion.py`) and the what-if search that re-scores candidate actions (`what_if.py`).
"""
