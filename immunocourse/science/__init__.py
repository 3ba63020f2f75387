"""Layer 2, the science: the RECIST 1.1 / iRECIST response engine (:mod:`.response`) and its
explanation of a call (:mod:`.explain`), simulated patients (:mod:`.simulate`), the tumour-immune
model (:mod:`.tumour_model`) and treatment schedules (:mod:`.schedule`).

numpy and scipy only: a test fails if this layer imports plotly, ipywidgets, sphinx or nbgrader.
"""
