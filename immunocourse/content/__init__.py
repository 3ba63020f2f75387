"""Layer 1, the course's facts: trial results and label facts with their sources
(:mod:`.evidence`), the dates each page was last reviewed (:mod:`.review`) and the urgent-care
rules worded once for every page that gives them (:mod:`.safety`).

Plain data and small helpers: no numpy, no plotly, nothing from the layers above.
"""
