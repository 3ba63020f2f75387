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
    # When the box could not be read as it stands now: the year of the version shown.
    box_as_of: str | None = None

    @property
    def year(self) -> int:
        """The year of the first US approval."""
        return int(self.us_approval[:4])


# The harms each US label's boxed warning names (checked 2026-12-01): Kymriah (Novartis HCP
# site and FDA's 2024 T-cell malignancy requirement), Amtagvi (label), Tecelra (DailyMed, August
# 2024), Blincyto (Amgen safety information), Tecvayli, Imdelltra (label revised
# November 2025), Kimmtrak (DailyMed).
# Kymriah's boxed warning was revised in June 2025 (openFDA label record, "recent major
# changes": Boxed Warning 6/2025; the REMS section removed 6/2025). The revised box could not
# be read in full on 2026-12-07; a second try that day (openFDA label record, DailyMed,
# Novartis pages) found only older versions of the box. So the row shows the box as of 2024
# (cytokine release syndrome and neurological toxicities, plus the T cell malignancies the
# FDA required in 2024) and says so (``box_as_of``), as does the table's caption.
# The Yescarta, Tecartus and Carvykti boxes read that day head the harm "secondary
# hematological malignancies"; check Kymriah's current wording before quoting it.
PRODUCTS: tuple[Product, ...] = (
    Product("tisagenlecleucel", "Kymriah", CAR_T, "CD19 on B cells",
            "B-cell acute lymphoblastic leukaemia in children and young adults",
            "2017-08-30", "a single drip into a vein",
            (CRS, "neurological toxicities", "T cell malignancies"), None,
            "kymriahlabel", "Kymriah US label; FDA approval notice 2017",
            "fdatisagenlecleucel2017", box_as_of="2024"),
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


@dataclass(frozen=True)
class CarTApproval:
    """A CAR T product for lymphoma or myeloma that the page names beside tisagenlecleucel:
    what it recognises and its first US approval (ISO date or year-month)."""

    name: str
    brand: str
    short_name: str  # what doctors call it, such as "axi-cel"
    target: str
    cancer: str
    us_approval: str
    key: str
    source: str
    checked: str = CHECKED

    @property
    def year(self) -> int:
        return int(self.us_approval[:4])


# Approvals: Yescarta label ("Initial U.S. Approval: October 2017"); FDA news release on
# Abecma, the first cell-based gene therapy for myeloma (March 2021); FDA D.I.S.C.O. on
# Carvykti ("On February 28, 2022, the FDA approved ...").
MORE_CAR_T: tuple[CarTApproval, ...] = (
    CarTApproval("axicabtagene ciloleucel", "Yescarta", "axi-cel", "CD19",
                 "large B-cell lymphoma", "2017-10", "yescartalabel2017",
                 "Yescarta US label, initial US approval October 2017"),
    CarTApproval("idecabtagene vicleucel", "Abecma", "ide-cel", "BCMA", "multiple myeloma",
                 "2021-03", "fdaidecabtagene2021", "FDA news release, March 2021"),
    CarTApproval("ciltacabtagene autoleucel", "Carvykti", "cilta-cel", "BCMA",
                 "multiple myeloma", "2022-02-28", "fdaciltacabtagene2022",
                 "FDA D.I.S.C.O. Burst Edition on Carvykti, 28 February 2022"),
)


def car_t(short_name: str) -> CarTApproval:
    """One of :data:`MORE_CAR_T` by its short name, such as ``"axi-cel"``."""
    for p in MORE_CAR_T:
        if p.short_name == short_name:
            return p
    raise KeyError(f"no CAR T product {short_name!r}")


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


def boxed_warning_products() -> tuple[Product, ...]:
    """The treatments in the boxed-warning table, in its order: the page counts these."""
    return PRODUCTS


def products_boxing_crs_in_table() -> list[str]:
    """The treatments in the boxed-warning table whose box names CRS."""
    return [p.name for p in boxed_warning_products() if boxes(p, CRS)]


def _box_text(p: Product) -> str:
    text = "; ".join(p.boxed_warning)
    return f"{text} (box as of {p.box_as_of})" if p.box_as_of else text


def boxed_warning_table() -> str:
    """The harms each US label's boxed warning names, and the tissue type a patient must
    have. The harms are named, not quoted: labels are revised (Kymriah's box in June 2025).
    A row whose current box could not be read says which year its box is from, and so does
    the caption."""
    products = boxed_warning_products()
    rows = [[f"{p.name} ({p.brand})", _box_text(p), p.hla or "none"] for p in products]
    dated = [p for p in products if p.box_as_of]
    caption = "Boxed warnings, the FDA's strongest warning (US labels"
    if dated:
        caption += (", as read in December 2026, except: "
                    + "; ".join(f"{p.name}, its box as of {p.box_as_of}, because the box as "
                                "revised since could not be read" for p in dated))
    return html_table(["Treatment", "Harms the boxed warning names", "Tissue type needed"],
                      rows, caption + ")")


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
         "Daily checks for at least the first week; the patient stays near the treatment "
         "centre and must not drive. The team says whether a caregiver must stay too.",
         "at least 2 weeks (US labels since June 2025)", "fdarems2025",
         "FDA safety communication, 26 June 2025"),
)


@dataclass(frozen=True)
class StayNearRule:
    """The US label advice after CAR T infusion for BCMA- and CD19-directed products: weeks
    to stay near the treatment centre and not to drive, before and after June 2025.

    The FDA's June 2025 label changes set monitoring, staying near the centre and driving;
    they set no rule about a caregiver, which the treating team decides."""

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


@dataclass(frozen=True)
class EngagerDriving:
    """What a T-cell engager's US label says about driving, and about where to stay, while
    its first doses can cause nerve side effects (fits, passing out, drowsiness).

    ``hospital_hours`` and ``no_driving_hours_after`` are ``None`` where the label gives no
    number: blinatumomab's advice lasts as long as the drip runs."""

    product: str
    no_driving: str  # when not to drive, in plain words
    why: str  # the harm the label gives as the reason
    key: str
    source: str
    first_doses: int | None = None  # doses that the rule covers, if counted
    hospital_hours: int | None = None  # hours in hospital after each of those doses
    no_driving_hours_after: int | None = None  # hours without driving after the last of them
    checked: str = "2026-12-07"


# Blincyto US label, section 5.6 (Effects on Ability to Drive and Use Machines): because of
# neurological events, including seizures, patients are at risk of loss of consciousness;
# advise them not to drive or do hazardous work or activities, such as operating heavy or
# potentially dangerous machinery, while Blincyto is being given. (Read 2026-12-07 in a copy
# of the US label text; the openFDA record showed the boxed warning only.)
# Tecvayli US label, section 2.1: because of CRS and neurologic toxicity including ICANS,
# patients should be hospitalised for 48 hours after every dose of the step-up schedule,
# which is step-up dose 1, step-up dose 2 and the first treatment dose (PrescriberPoint copy
# of the US label, updated 12 December 2025; Drugs.com and Medscape say the same). The US
# label's driving sentence could not be read in full; Cancer Research UK's patient page
# (crukteclistamab) says not to drive from the first dose until 48 hours after the third,
# and the EU label asks patients to stay near a healthcare facility for 48 hours after each
# step-up dose. The page cites both.
ENGAGER_DRIVING: tuple[EngagerDriving, ...] = (
    EngagerDriving("blinatumomab", "while the drip is running",
                   "seizures, with a risk of passing out", "blincytolabel",
                   "Blincyto US label, section 5.6"),
    EngagerDriving("teclistamab", "during the step-up doses and for 48 hours after the last",
                   "nerve side effects (ICANS) that can lower alertness", "tecvaylilabel",
                   "Tecvayli US label, section 2.1; Cancer Research UK patient page",
                   first_doses=3, hospital_hours=48, no_driving_hours_after=48),
)


def engager_driving(product_name: str) -> EngagerDriving:
    for d in ENGAGER_DRIVING:
        if d.product == product_name:
            return d
    raise KeyError(f"no driving advice for {product_name!r}")


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
    """A grading scale's source, and the fever (deg C) that CRS grading requires until CRS
    has been treated."""

    name: str
    fever_c: float
    key: str = "lee2019"
    source: str = "Lee et al., Biol Blood Marrow Transplant 2019 (ASTCT consensus)"
    checked: str = CHECKED


# Lee 2019, Table 2: CRS requires a temperature of at least 38 C. Once a patient with CRS has
# had antipyretics (such as paracetamol) or anti-cytokine treatment (tocilizumab or steroids),
# fever is no longer required: the grade is then driven by low blood pressure and low oxygen.
ASTCT = Grading("ASTCT consensus grading of CRS and ICANS", 38)

# What can bring the fever of CRS down, so that the grade no longer needs it (Lee 2019).
FEVER_MASKED_BY = ("paracetamol or another fever-lowering drug", "tocilizumab", "steroids")


def crs_grade(fever: bool, blood_pressure: str = BP_NONE, oxygen: str = O2_NONE,
              fever_treated: bool = False) -> int:
    """ASTCT CRS grade, 0 to 4: the grade is set by the more severe of low blood pressure and
    low oxygen (Lee 2019, Table 2). A fever of at least ``ASTCT.fever_c`` is required, unless
    ``fever_treated``: the patient already has CRS and has had a fever-lowering drug,
    tocilizumab or steroids, which can hide the fever. Then the grade rests on blood pressure
    and oxygen; with neither low it stays 1, as the CRS is already there."""
    if blood_pressure not in BLOOD_PRESSURE:
        raise ValueError(f"blood_pressure must be one of {BLOOD_PRESSURE}, not {blood_pressure!r}")
    if oxygen not in OXYGEN:
        raise ValueError(f"oxygen must be one of {OXYGEN}, not {oxygen!r}")
    if not fever and not fever_treated:
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
    rows = [[str(g), f"{ASTCT.fever_c:g} C or more, unless already treated*",
             BLOOD_PRESSURE[g - 1], OXYGEN[g - 1]] for g in range(1, 5)]
    return html_table(["CRS grade", "Fever", "Low blood pressure", "Low oxygen"], rows,
                      "ASTCT grading of cytokine release syndrome; the worse of the two "
                      "columns sets the grade. *Once CRS has been treated with "
                      f"{', '.join(FEVER_MASKED_BY[:-1])} or {FEVER_MASKED_BY[-1]}, a fever is "
                      "no longer needed (Lee et al. 2019)")


# Lee 2019, Table 5 (ICANS): the grade is the worst of the ICE score, alertness, seizures,
# motor findings and raised pressure or swelling in the brain. Tremor does not count.
ICANS_SIGNS: tuple[tuple[str, str, str], ...] = (
    ("1", "7 to 9", "wakes by itself"),
    ("2", "3 to 6", "wakes to voice"),
    ("3", "0 to 2", "wakes only to touch; or a seizure that settles quickly (or one seen only "
     "on an EEG that settles with treatment); or swelling in one part of the brain on a scan "
     "(focal or local oedema)"),
    ("4", "0, cannot be woken to do the test",
     "cannot be woken, or needs strong or repeated touch to wake; or a seizure lasting over "
     "5 minutes, or seizures one after another without recovery in between; or deep "
     "weakness of one side of the body or of both legs (hemiparesis or paraparesis); or "
     "swelling all through the brain on a scan (diffuse oedema), or other signs of raised "
     "pressure in the skull"),
)


def icans_table() -> str:
    rows = [list(row) for row in ICANS_SIGNS]
    return html_table(["ICANS grade", "ICE score (out of 10)", "Alertness and other signs"],
                      rows, "ASTCT grading of ICANS: the worst sign sets the grade "
                      "(Lee et al. 2019)")


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


# --- How often CRS and nerve problems happen -------------------------------------------------


@dataclass(frozen=True)
class HarmRate:
    """How often a harm happened in the trial behind a US approval: per cent of the patients
    treated, of any grade and of grade 3 or higher. ``grade3_plus`` is ``None`` where the
    course has not confirmed the figure in its source: the table then says "not shown here",
    never that the source gives none."""

    product: str
    trial: str
    patients: int
    harm: str
    any_grade: float
    grade3_plus: float | None
    key: str
    source: str
    checked: str = CHECKED


# Yescarta label as first approved (October 2017), warnings 5.1 and 5.2: "In Study 1, CRS
# occurred in 94% (101/108) of patients ..., including >= Grade 3 (Lee grading system) CRS in
# 13% (14/108)"; "Neurologic toxicities occurred in 87% of patients." Study 1 is ZUMA-1
# (phases 1 and 2, 108 patients). Neelapu et al. (N Engl J Med 2017) report the 101 patients
# of phase 2 alone; their figures were not read, so the label's are used.
# MajesTEC-1 (Moreau et al., N Engl J Med 2022; 165 patients): CRS in 72.1% (119/165), grade 3
# in 0.6% (one patient), none of grade 4; neurotoxic events in 14.5%, ICANS in 3.0%.
# Grade 3 or higher nerve problems: not confirmed in a source on 2026-12-07. Every copy of
# the 2017 label's section 5.2 that could be read stops before any grade 3 figure, and the
# results sections of Neelapu 2017 and Moreau 2022 could not be read. Secondary sources quote
# 31% for ZUMA-1 (Locke et al., Lancet Oncol 2019, phase 2) and 28% of 101 from Neelapu's
# abstract, but a quotation is not the source, and no teclistamab figure was found. So these
# stay ``None`` (the table says "not shown here") until someone reads the label or paper.
HARM_RATES: tuple[HarmRate, ...] = (
    HarmRate("axicabtagene ciloleucel", "ZUMA-1", 108, CRS, 94, 13, "yescartalabel2017",
             "Yescarta US label (October 2017), section 5.1: ZUMA-1, 108 patients"),
    HarmRate("axicabtagene ciloleucel", "ZUMA-1", 108, "neurological problems", 87, None,
             "yescartalabel2017",
             "Yescarta US label (October 2017), section 5.2: ZUMA-1, 108 patients"),
    HarmRate("teclistamab", "MajesTEC-1", 165, CRS, 72.1, 0.6, "moreau2022",
             "Moreau et al., N Engl J Med 2022 (MajesTEC-1, 165 patients)"),
    HarmRate("teclistamab", "MajesTEC-1", 165, "neurological problems", 14.5, None,
             "moreau2022", "Moreau et al., N Engl J Med 2022 (MajesTEC-1, 165 patients)"),
)


# What the table prints for a figure the course has not confirmed in its source.
NOT_SHOWN = "not shown here"


def harm_rate(product_name: str, harm: str) -> HarmRate:
    for r in HARM_RATES:
        if r.product == product_name and r.harm == harm:
            return r
    raise KeyError(f"no rate of {harm!r} for {product_name!r}")


def harm_rates_table() -> str:
    """How often CRS and nerve problems happened in the trials behind two approvals."""
    rows = [[f"{r.product} ({r.trial}, {r.patients} patients)", r.harm, f"{r.any_grade:g}%",
             NOT_SHOWN if r.grade3_plus is None else f"{r.grade3_plus:g}%"]
            for r in HARM_RATES]
    return html_table(["Treatment (trial)", "Harm", "Any grade", "Grade 3 or higher"], rows,
                      "How often CRS and nerve problems happened (Yescarta US label 2017; "
                      f"Moreau et al. 2022). \"{NOT_SHOWN.capitalize()}\": the course has not yet "
                      "checked this figure against its source")


# --- Living with the long-term effects -------------------------------------------------------


@dataclass(frozen=True)
class LateRate:
    """A long-term effect after CD19 CAR T cells for lymphoma: the range of the share of
    patients across the trials and real-world studies a review pooled."""

    what: str
    low: float
    high: float
    unit: str
    key: str
    source: str
    checked: str = CHECKED

    @property
    def text(self) -> str:
        """The range as a reader sees it, such as "3% to 22%"."""
        return f"{self.low:g}{self.unit} to {self.high:g}{self.unit}"


# Cordeiro et al., Front Oncol 2024 (late events after CD19 CAR T for B-cell lymphoma),
# abstract: grade 3-4 cytopenia beyond 30 days in 30-40% and beyond 90 days in 3-22%; IgG
# below 400 mg/dL in 44-53%; 27-38% receive immunoglobulin (IVIG) replacement. The review also
# finds late infections uncommon and rarely severe unless more treatment follows, late nerve
# and memory problems uncommon, T-cell lymphoma extremely rare, and myeloid cancers not rare
# but not clearly caused by the CAR T cells.
LATE_RATES: tuple[LateRate, ...] = (
    LateRate("severe low blood counts more than 30 days after the infusion", 30, 40, "%",
             "cordeiro2024", "Cordeiro et al., Front Oncol 2024 (review, CD19 CAR T in lymphoma)"),
    LateRate("severe low blood counts more than 90 days after the infusion", 3, 22, "%",
             "cordeiro2024", "Cordeiro et al., Front Oncol 2024 (review, CD19 CAR T in lymphoma)"),
    LateRate("IgG antibody level below 400 mg/dL", 44, 53, "%", "cordeiro2024",
             "Cordeiro et al., Front Oncol 2024 (review, CD19 CAR T in lymphoma)"),
    LateRate("given antibodies (immunoglobulin) by drip", 27, 38, "%", "cordeiro2024",
             "Cordeiro et al., Front Oncol 2024 (review, CD19 CAR T in lymphoma)"),
)


def late_rate(what_starts: str) -> LateRate:
    """The long-term effect whose description starts with ``what_starts``."""
    for r in LATE_RATES:
        if r.what.startswith(what_starts):
            return r
    raise KeyError(f"no long-term effect starting {what_starts!r}")
