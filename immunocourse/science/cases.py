"""The simulated patients of the "classify this patient" exercise: drawn from a seed and cut
at the scan the student classifies (no display code, so the book and notebooks share it)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from immunocourse.science import simulate
from immunocourse.science.response import classify


def draw_case(seed: int, criteria: str = "recist1.1") -> tuple[simulate.VirtualPatient, dict]:
    """The simulated patient of exercise ``seed``, cut at the scan to classify, and the
    engine's result (the answer is its last time point's response)."""
    rng = np.random.default_rng(seed)
    props = simulate.DEFAULT_PROPORTIONS["immunotherapy"]
    pattern = str(rng.choice(list(props), p=list(props.values())))
    full = simulate.simulate_patient(rng, f"EX-{seed:03d}", "immunotherapy", pattern,
                                     criteria=criteria)
    scan = int(rng.integers(1, len(full.weeks)))  # which follow-up to ask about
    patient = truncate(full, scan)
    return patient, classify(patient.document)


def truncate(patient: simulate.VirtualPatient, scan: int) -> simulate.VirtualPatient:
    """The patient as seen at follow-up ``scan``: later scans removed."""
    doc = dict(patient.document)
    doc["followups"] = patient.document["followups"][:scan]
    lesions = tuple(replace(lz, mm=lz.mm[: scan + 1]) for lz in patient.lesions)
    weeks = patient.weeks[: scan + 1]
    return replace(patient, weeks=weeks, lesions=lesions, document=doc,
                   nontarget_status=patient.nontarget_status[: scan + 1],
                   new_lesions={w: v for w, v in patient.new_lesions.items() if w <= weeks[-1]})
