"""Kuznetsov tumour-effector model, an immunotherapy knob, and the course's apparent lesion size.

Kuznetsov, Makalkin, Taylor & Perelson, Bull Math Biol 1994;56:295 (BCL1 lymphoma in the
spleen of chimeric mice). E = effector (cytotoxic) cells, T = tumour cells, t in days::

    dE/dt = s + p*E*T/(g + T) - m*E*T - d*E
    dT/dt = a*T*(1 - b*T) - n*E*T

With the published parameters the model is bistable: a small "dormant" tumour held in check
(T ~ 8.2e6 cells) and a large "escaped" tumour near carrying capacity (T ~ 4.47e8 cells),
separated by a saddle (T ~ 2.68e8 cells).

The immunotherapy knob multiplies the effector supply ``s`` and/or the killing rate ``n``.
That is a teaching device, not a calibrated drug model.

``apparent_diameter`` is the course's own construction (course illustration, not a
published model): what a scan measures is tumour cells plus infiltrating immune cells and
oedema, so an immune surge can swell a lesion before the tumour shrinks (pseudoprogression).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.integrate import solve_ivp


@dataclass(frozen=True)
class KuznetsovParams:
    """Published parameters (Kuznetsov et al. 1994), in cells and days."""

    s: float = 1.3e4  # effector supply, cells/day
    p: float = 0.1245  # maximal tumour-stimulated effector proliferation, /day
    g: float = 2.019e7  # half-saturation of that proliferation, cells
    m: float = 3.422e-10  # effector inactivation by tumour, /(cell day)
    d: float = 0.0412  # effector death, /day
    a: float = 0.18  # tumour growth rate, /day
    b: float = 2.0e-9  # 1/carrying capacity, /cell (capacity 5e8 cells)
    n: float = 1.101e-7  # tumour killing by effectors, /(cell day)
    key: str = "kuznetsov1994"  # BibTeX key of the source of the values above
    source: str = "Kuznetsov et al., Bull Math Biol 1994"
    checked: str = "2026-11-27"  # ISO date the values were last confirmed in the paper

    def boosted(self, supply: float = 1.0, killing: float = 1.0) -> KuznetsovParams:
        """Immunotherapy knob: multiply effector supply ``s`` and killing rate ``n``."""
        if supply <= 0 or killing <= 0:
            raise ValueError(f"boost multipliers must be > 0: supply={supply}, killing={killing}")
        return replace(self, s=self.s * supply, n=self.n * killing)


PUBLISHED = KuznetsovParams()


@dataclass(frozen=True)
class Equilibrium:
    """A steady state (E, T) and whether it is stable (both Jacobian eigenvalues < 0)."""

    effectors: float
    tumour: float
    stable: bool
    kind: str  # "tumour-free", "dormant", "saddle" or "escape"


@dataclass(frozen=True)
class Trajectory:
    """A solved time course: days, effector cells and tumour cells."""

    days: np.ndarray
    effectors: np.ndarray
    tumour: np.ndarray
    params: KuznetsovParams


def rhs(t: float, y: np.ndarray, params: KuznetsovParams = PUBLISHED) -> list[float]:
    """dE/dt and dT/dt at state ``y = (E, T)`` (cells/day)."""
    e, tu = y
    q = params
    de = q.s + q.p * e * tu / (q.g + tu) - q.m * e * tu - q.d * e
    dt = q.a * tu * (1 - q.b * tu) - q.n * e * tu
    return [de, dt]


def _log_rhs(t: float, u: np.ndarray, q: KuznetsovParams) -> list[float]:
    # Solve for (ln E, ln T): positivity is then exact, and the solver cannot overshoot
    # a collapsing tumour into negative cell counts (it does in linear variables).
    e, tu = np.exp(u)
    return [q.s / e + q.p * tu / (q.g + tu) - q.m * tu - q.d, q.a * (1 - q.b * tu) - q.n * e]


def _jacobian(e: float, tu: float, q: KuznetsovParams) -> np.ndarray:
    return np.array(
        [
            [q.p * tu / (q.g + tu) - q.m * tu - q.d, q.p * e * q.g / (q.g + tu) ** 2 - q.m * e],
            [-q.n * tu, q.a * (1 - 2 * q.b * tu) - q.n * e],
        ]
    )


def equilibria(params: KuznetsovParams = PUBLISHED) -> list[Equilibrium]:
    """All non-negative steady states, sorted by tumour size.

    On the T-nullcline E = a(1 - bT)/n; substituting into dE/dt = 0 and multiplying by
    (g + T) leaves a cubic in T, whose real roots in (0, 1/b) are the tumour-bearing states.
    """
    q = params
    poly_t = np.polynomial.Polynomial([0.0, 1.0])
    e_of_t = (q.a / q.n) * (1 - q.b * poly_t)
    cubic = q.s * (q.g + poly_t) + e_of_t * (q.p * poly_t - (q.m * poly_t + q.d) * (q.g + poly_t))
    roots = sorted(
        r.real for r in cubic.roots() if abs(r.imag) < 1e-6 * abs(r) and 0 < r.real < 1 / q.b
    )
    states = [(q.s / q.d, 0.0)] + [(q.a * (1 - q.b * t) / q.n, t) for t in roots]
    result = []
    for e, tu in states:
        eig = np.linalg.eigvals(_jacobian(e, tu, q)).real
        stable = bool(np.all(eig < 0))
        if tu == 0.0:
            kind = "tumour-free"
        elif not stable:
            kind = "saddle"
        else:
            kind = "dormant" if tu < 0.5 / q.b else "escape"
        result.append(Equilibrium(float(e), float(tu), stable, kind))
    return result


def escape_state(params: KuznetsovParams = PUBLISHED) -> tuple[float, float]:
    """(E, T) of the untreated escaped tumour: the largest stable equilibrium."""
    big = [eq for eq in equilibria(params) if eq.stable and eq.tumour > 0]
    if not big:
        raise ValueError("these parameters have no stable tumour-bearing equilibrium")
    return big[-1].effectors, big[-1].tumour


def simulate(
    days: float,
    effectors0: float,
    tumour0: float,
    params: KuznetsovParams = PUBLISHED,
    points: int = 400,
) -> Trajectory:
    """Integrate the model from (E0, T0) for ``days`` days, sampled at ``points`` times.

    Cell counts stay strictly positive (integrated in log space); a tumour that falls below
    one cell has, in practice, been eliminated.
    """
    if effectors0 <= 0 or tumour0 <= 0:
        raise ValueError("initial effector and tumour counts must be > 0 cells")
    if days <= 0:
        raise ValueError("days must be > 0")
    t_eval = np.linspace(0.0, days, points)
    sol = solve_ivp(
        _log_rhs,
        (0.0, days),
        np.log([effectors0, tumour0]),
        method="LSODA",
        t_eval=t_eval,
        args=(params,),
        rtol=1e-7,
        atol=1e-9,
    )
    if not sol.success:
        raise RuntimeError(f"Kuznetsov integration failed: {sol.message}")
    effectors, tumour = np.exp(sol.y)
    return Trajectory(sol.t, effectors, tumour, params)


def treat(
    days: float = 365.0,
    supply_boost: float = 3.0,
    kill_boost: float = 1.0,
    points: int = 400,
    params: KuznetsovParams = PUBLISHED,
) -> Trajectory:
    """Start from the untreated escaped tumour and apply the immunotherapy knob at day 0."""
    e0, t0 = escape_state(params)
    return simulate(days, e0, t0, params.boosted(supply_boost, kill_boost), points)


def apparent_diameter(
    traj: Trajectory, infiltration: float = 1000.0, baseline_mm: float = 40.0
) -> np.ndarray:
    """Apparent lesion diameter in mm: course illustration, not a published model.

    Apparent volume = T + k * E_inf, with E_inf = E * T / (g + T) the effectors engaged with
    the tumour (the model's own saturating recruitment term, so infiltration fades as the
    tumour goes) and k = ``infiltration``, the volume of one infiltrating effector plus its
    oedema in tumour-cell equivalents (a free teaching parameter). Diameter scales as
    volume^(1/3), normalised so the day-0 lesion measures ``baseline_mm``.
    """
    if infiltration < 0:
        raise ValueError("infiltration must be >= 0")
    g = traj.params.g
    volume = traj.tumour + infiltration * traj.effectors * traj.tumour / (g + traj.tumour)
    return baseline_mm * np.cbrt(volume / volume[0])
