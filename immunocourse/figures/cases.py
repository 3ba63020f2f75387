"""A simulated patient's scans as text for the page: the table of measurements and the
figure's text alternative. Plain strings, no widgets, so the static book can use them."""

from __future__ import annotations

import html

from immunocourse.science import simulate


def trajectory_alt(p: simulate.VirtualPatient) -> str:
    """Text alternative of the patient's lesion-size figure."""
    sums = p.sums_mm.tolist()
    steps = "; ".join(f"week {w}: {s} mm" for w, s in zip(p.weeks, sums, strict=True))
    return (f"Line chart of simulated patient {p.id}: {len(p.lesions)} target lesions and their "
            f"sum in millimetres at each scan ({steps}).")


def scan_table_html(p: simulate.VirtualPatient) -> str:
    """HTML table of a patient's scans: one row per lesion, one column per scan."""
    head = "".join(f"<th>week {w}</th>" for w in p.weeks)
    rows = []
    for lz in p.lesions:
        kind = "node, short axis" if lz.node else "longest diameter"
        cells = "".join(f"<td>{mm} mm</td>" for mm in lz.mm)
        rows.append(f"<tr><th>{lz.id} {html.escape(lz.organ)} ({kind})</th>{cells}</tr>")
    sums = "".join(f"<td><strong>{s} mm</strong></td>" for s in p.sums_mm.tolist())
    rows.append(f"<tr><th>Sum of targets</th>{sums}</tr>")
    nt = "".join(f"<td>{'-' if i == 0 else html.escape(s)}</td>"
                 for i, s in enumerate(p.nontarget_status))
    rows.append(f"<tr><th>Non-target lesions</th>{nt}</tr>")
    new = "".join(
        "<td>" + (", ".join(f"{x['id']} {x['mm']} mm" for x in p.new_lesions.get(w, ()))
                  or "none") + "</td>"
        for w in p.weeks)
    rows.append(f"<tr><th>New lesions</th>{new}</tr>")
    return ("<table class='ic-scan-table'><caption>Simulated scan measurements</caption>"
            f"<thead><tr><th>Lesion</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
