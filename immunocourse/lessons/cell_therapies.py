"""Lesson 11, cell therapies and T-cell engagers: the products, the steps of CAR T treatment,
the ASTCT grades of CRS and ICANS, and the quiz keys.

Published facts only: US approvals and boxed warnings from FDA notices and the US labels,
grading from the ASTCT consensus (Lee et al. 2019). Every record carries ``key`` (its BibTeX
key in book/references.bib), ``source`` (a short citation) and ``checked`` (the date it was
last read against that source). Nothing here is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

from immunocourse.figures.tables import html_table

CHECKED = "2026-12-01"

CAR_T, TIL, TCR_T, ENGAGER = ("CAR T-cell therapy", "TIL therapy", "TCR T-cell therapy",
                              "Bispecific T-cell engager")
CRS = "cytokine release syndrome"
ICANS = "immune effector cell-associated neurotoxicity syndrome (ICANS)"


@dataclass(frozen=True)
class Product:
    """One cell therapy or T-cell engager: what it targets, its first US approval and the
    harms in the boxed warning of its US label (the FDA's strongest warning).

    ``key`` is the label (boxed warning, HLA type); ``approval_key`` the source of the approval
    date, which lessons 4 and 12 also read from here."""

    name: str
    brand: str
    kind: str
    target: str  # what the treatment recognises on the cancer cells
    cancer: str  # the first approved use, in short
    us_approval: str  # ISO date (or year-month) of the first FDA approval
    route: str
    boxed_warning: tuple[str, ...]
    hla: str | None  # the tissue type a patient must have, if any
    key: str
    source: str
    approval_key: str
    checked: str = CHECKED

    @property
    def year(self) -> int:
        """The year of the first US approval."""
        return int(self.us_approval[:4])


# Boxed warnings as worded on the US labels (checked 2026-12-01): Kymriah (Novartis HCP site
# and FDA's 2024 T-cell malignancy requirement), Amtagvi (label), Tecelra (DailyMed, August
# 2024), Blincyto (Amgen safety information), Tecvayli, Imdelltra (label revised
# November 2025), Kimmtrak (DailyMed).
PRODUCTS: tuple[Product, ...] = (
    Product("tisagenlecleucel", "Kymriah", CAR_T, "CD19 on B cells",
            "B-cell acute lymphoblastic leukaemia in children and young adults",
            "2017-08-30", "a single drip into a vein",
            (CRS, "neurological toxicities", "T cell malignancies"), None,
            "kymriahlabel", "Kymriah US label; FDA approval notice 2017",
            "fdatisagenlecleucel2017"),
    Product("lifileucel", "Amtagvi", TIL, "many tumour antigens (not engineered)",
            "advanced melanoma after a PD-1 blocker", "2024-02-16",
            "a single drip into a vein, followed by IL-2 (aldesleukin)",
            ("treatment-related mortality", "prolonged severe cytopenia", "severe infection",
             "cardiopulmonary impairment", "renal impairment"), None,
            "amtagvilabel", "Amtagvi US label; FDA news release 2024",
            "fdalifileucel2024"),
    Product("afamitresgene autoleucel", "Tecelra", TCR_T, "MAGE-A4, shown by HLA-A*02",
            "synovial sarcoma after chemotherapy", "2024-08-02", "a single drip into a vein",
            (CRS,), "HLA-A*02:01P, -A*02:02P, -A*02:03P or -A*02:06P",
            "tecelralabel", "Tecelra US label; FDA approval 2 August 2024",
            "fdaafamitresgene2024"),
    Product("blinatumomab", "Blincyto", ENGAGER, "CD19 on B cells",
            "B-cell acute lymphoblastic leukaemia", "2014-12-03",
            "a continuous drip into a vein through a pump",
            (CRS, f"neurological toxicities including {ICANS}"), None,
            "blincytolabel", "Blincyto US label; Przepiorka et al., Clin Cancer Res 2015",
            "przepiorka2015"),
    Product("teclistamab", "Tecvayli", ENGAGER, "BCMA on myeloma cells",
            "multiple myeloma after at least four earlier treatments", "2022-10-25",
            "an injection under the skin",
            (CRS, f"neurologic toxicity including {ICANS}"), None,
            "tecvaylilabel", "Tecvayli US label; FDA approval notice 2022",
            "fdateclistamab2022"),
    Product("tarlatamab", "Imdelltra", ENGAGER, "DLL3 on small-cell lung cancer cells",
            "extensive-stage small-cell lung cancer after platinum chemotherapy",
            "2024-05-16", "a drip into a vein",
            (CRS, f"neurologic toxicity including {ICANS}"), None,
            "imdelltralabel", "Imdelltra US label (revised November 2025)",
            "imdelltralabel"),
    Product("tebentafusp", "Kimmtrak", ENGAGER, "gp100, shown by HLA-A*02:01",
            "uveal melanoma (melanoma of the eye) that has spread or cannot be removed",
            "2022-01", "a weekly drip into a vein", (CRS,), "HLA-A*02:01",
            "kimmtraklabel", "Kimmtrak US label (DailyMed); FDA approval notice 2022",
            "fdatebentafusp2022"),
)


def product(name: str) -> Product:
    for p in PRODUCTS:
        if p.name == name:
            return p
    raise KeyError(f"no product {name!r}")


def boxes(p: Product, harm: str) -> bool:
    """Whether the product's boxed warning names the harm (case-insensitive)."""
    return any(harm.lower() in w.lower() for w in p.boxed_warning)


def products_boxing_icans() -> list[str]:
    """Quiz key: the products whose US boxed warning names ICANS, in table order."""
    return [p.name for p in PRODUCTS if boxes(p, "ICANS")]


def products_boxing_crs() -> list[str]:
    return [p.name for p in PRODUCTS if boxes(p, CRS)]


def products_table() -> str:
    """What each treatment is, what it recognises, its first US approval and how it is given."""
    rows = [[f"{p.name} ({p.brand})", p.kind, p.target,
             f"{p.year}: {p.cancer}", p.route] for p in PRODUCTS]
    return html_table(["Treatment", "Kind", "Recognises", "First US approval", "Given as"],
                      rows, "Cell therapies and T-cell engagers named in this lesson")


def boxed_warning_table() -> str:
    """The harms in each US label's boxed warning, and the tissue type a patient must have."""
    rows = [[f"{p.name} ({p.brand})", "; ".join(p.boxed_warning), p.hla or "none"]
            for p in PRODUCTS]
    return html_table(["Treatment", "Boxed warning on the US label", "Tissue type needed"],
                      rows, "Boxed warnings, the FDA's strongest warning (US labels)")


# --- CAR T: the steps ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of CAR T-cell treatment, in the order a patient meets them."""

    name: str
    what: str
    how_long: str
    key: str
    source: str
    checked: str = CHECKED


CAR_T_STEPS: tuple[Step, ...] = (
    Step("Collecting T cells (apheresis)",
         "Blood runs through a machine that keeps white blood cells and returns the rest.",
         "several hours, like a long blood donation", "washucart",
         "Washington University cellular immunotherapy programme, patient guide"),
    Step("Making the CAR T cells",
         "In a laboratory the T cells are given the new receptor and multiplied.",
         "weeks (the guide plans apheresis about 30 days before the infusion)", "washucart",
         "Washington University cellular immunotherapy programme, patient guide"),
    Step("Lymphodepleting chemotherapy",
         "A few days of chemotherapy (usually fludarabine and cyclophosphamide) lowers the "
         "patient's own lymphocytes to make room for the new cells.",
         "a few days, just before the infusion", "washucart",
         "Washington University cellular immunotherapy programme, patient guide"),
    Step("The infusion", "The cells are dripped into a vein, once.",
         "usually under 30 minutes", "washucart",
         "Washington University cellular immunotherapy programme, patient guide"),
    Step("Watching for side effects",
         "Daily checks at first; the patient stays near the treatment centre with a "
         "caregiver and must not drive.",
         "at least 2 weeks (US labels since June 2025)", "fdarems2025",
         "FDA safety communication, 26 June 2025"),
)


@dataclass(frozen=True)
class StayNearRule:
    """The US label advice after CAR T infusion for BCMA- and CD19-directed products: weeks
    to stay near the treatment centre and not to drive, before and after June 2025."""

    stay_near_weeks_before: int
    stay_near_weeks_now: int
    no_driving_weeks_before: int
    no_driving_weeks_now: int
    key: str = "fdarems2025"
    source: str = "FDA safety communication on CAR T REMS, 26 June 2025"
    checked: str = CHECKED


STAY_NEAR = StayNearRule(4, 2, 8, 2)


def driving_weeks_saved() -> int:
    """Quiz key: how many weeks shorter the no-driving advice became in June 2025."""
    return STAY_NEAR.no_driving_weeks_before - STAY_NEAR.no_driving_weeks_now


# --- ASTCT grading (Lee et al. 2019) ---------------------------------------------------------

# Low blood pressure (hypotension): what it takes to treat it, in increasing severity.
BP_NONE, BP_FLUIDS, BP_ONE_PRESSOR, BP_SEVERAL = (
    "none", "treated without vasopressors", "needs one vasopressor",
    "needs several vasopressors")
# Low oxygen (hypoxia): the oxygen support it needs, in increasing severity.
O2_NONE, O2_LOW, O2_HIGH, O2_PRESSURE = (
    "none", "low-flow nasal prongs (up to 6 L/min)",
    "high-flow nasal prongs or a face mask", "positive pressure (CPAP, BiPAP or a ventilator)")
BLOOD_PRESSURE = (BP_NONE, BP_FLUIDS, BP_ONE_PRESSOR, BP_SEVERAL)
OXYGEN = (O2_NONE, O2_LOW, O2_HIGH, O2_PRESSURE)


@dataclass(frozen=True)
class Grading:
    """A grading scale's source, and the fever (deg C) that CRS grading requires."""

    name: str
    fever_c: float
    key: str = "lee2019"
    source: str = "Lee et al., Biol Blood Marrow Transplant 2019 (ASTCT consensus)"
    checked: str = CHECKED


# Lee 2019, Table 2: CRS requires a temperature of at least 38 C.
ASTCT = Grading("ASTCT consensus grading of CRS and ICANS", 38)


def crs_grade(fever: bool, blood_pressure: str = BP_NONE, oxygen: str = O2_NONE) -> int:
    """ASTCT CRS grade, 0 to 4: a fever of at least ``ASTCT.fever_c`` is required, and the
    grade is set by the more severe of low blood pressure and low oxygen (Lee 2019,
    Table 2)."""
    if blood_pressure not in BLOOD_PRESSURE:
        raise ValueError(f"blood_pressure must be one of {BLOOD_PRESSURE}, not {blood_pressure!r}")
    if oxygen not in OXYGEN:
        raise ValueError(f"oxygen must be one of {OXYGEN}, not {oxygen!r}")
    if not fever:
        return 0
    return 1 + max(BLOOD_PRESSURE.index(blood_pressure), OXYGEN.index(oxygen))


def icans_grade_from_ice(ice_score: int, unarousable: bool = False) -> int:
    """ASTCT ICANS grade from the 10-point ICE score alone (orientation 4, naming 3,
    following commands 1, writing 1, attention 1): 10 none, 7-9 grade 1, 3-6 grade 2,
    0-2 grade 3, and grade 4 when the patient cannot be woken to do the test. Seizures,
    weakness or brain swelling raise the grade further; this function does not see them."""
    if not 0 <= ice_score <= 10:
        raise ValueError(f"ICE score must be 0 to 10, not {ice_score}")
    if unarousable:
        return 4
    if ice_score == 10:
        return 0
    return 1 if ice_score >= 7 else 2 if ice_score >= 3 else 3


def crs_example_grade() -> str:
    """Quiz key: fever, low blood pressure needing one vasopressor, oxygen by low-flow
    nasal prongs."""
    return str(crs_grade(True, BP_ONE_PRESSOR, O2_LOW))


def icans_example_grade() -> str:
    """Quiz key: an ICE score of 5 out of 10, awake."""
    return str(icans_grade_from_ice(5))


def crs_table() -> str:
    rows = [[str(g), f"yes ({ASTCT.fever_c:g} C or more)",
             BLOOD_PRESSURE[g - 1], OXYGEN[g - 1]] for g in range(1, 5)]
    return html_table(["CRS grade", "Fever", "Low blood pressure", "Low oxygen"], rows,
                      "ASTCT grading of cytokine release syndrome; the worse of the two "
                      "columns sets the grade (Lee et al. 2019)")


def icans_table() -> str:
    rows = [["1", "7 to 9", "wakes by itself"], ["2", "3 to 6", "wakes to voice"],
            ["3", "0 to 2", "wakes only to touch; or a seizure that settles quickly"],
            ["4", "cannot be tested", "cannot be woken, or a long seizure, new weakness "
             "or brain swelling"]]
    return html_table(["ICANS grade", "ICE score (out of 10)", "Alertness and other signs"],
                      rows, "ASTCT grading of ICANS, simplified (Lee et al. 2019)")


# --- Later risks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelNumber:
    """One number printed in a US label's warnings."""

    product: str
    what: str
    value: float
    unit: str
    key: str
    source: str
    checked: str = CHECKED


LABEL_NUMBERS: tuple[LabelNumber, ...] = (
    LabelNumber("lifileucel", "treatment-related deaths in the clinical trial (160 patients)",
                7.5, "%", "amtagvilabel", "Amtagvi US label, section 5"),
    # Kimmtrak label: monitor for at least 16 hours after each of the first three infusions
    # (lessons 11 and 12 both quote it from here).
    LabelNumber("tebentafusp", "hours of monitoring, at least, after each of the first "
                "infusions", 16, "hours", "kimmtraklabel", "Kimmtrak US label, boxed warning"),
    LabelNumber("tebentafusp", "first infusions needing that monitoring", 3, "infusions",
                "kimmtraklabel", "Kimmtrak US label, boxed warning"),
    LabelNumber("afamitresgene autoleucel", "share of patients who had CRS", 75, "%",
                "tecelralabel", "Tecelra US label, section 5.1"),
)


def label_number(product_name: str, unit: str | None = None) -> LabelNumber:
    """The product's first label number, or the first in ``unit`` when one is given."""
    for n in LABEL_NUMBERS:
        if n.product == product_name and unit in (None, n.unit):
            return n
    raise KeyError(f"no label number for {product_name!r} in {unit!r}")


def steps_table() -> str:
    rows = [[str(i), s.name, s.what, s.how_long] for i, s in enumerate(CAR_T_STEPS, 1)]
    return html_table(["Step", "What happens", "In detail", "How long"], rows,
                      "CAR T-cell treatment step by step")
