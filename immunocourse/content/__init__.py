"""Layer 1, the course's facts: trial results and label facts with their sources
(:mod:`.evidence`) and the dates each page was last reviewed (:mod:`.review`).

Plain data and small helpers: no numpy, no plotly, nothing from the layers above.
"""
