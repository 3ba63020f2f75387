"""Layer 2, the science: the RECIST 1.1 / iRECIST response engine (:mod:`.response`), its
explanation of a call (:mod:`.explain`), a drawn case to classify (:mod:`.cases`), simulated
patients (:mod:`.simulate`), the tumour-immune model (:mod:`.tumour_model`) and treatment
schedules (:mod:`.schedule`).

numpy and scipy only: a test fails if this layer imports plotly, ipywidgets, sphinx or nbgrader.
"""
