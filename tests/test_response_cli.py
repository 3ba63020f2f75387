"""``python -m immunocourse response classify``: JSON out, one-line errors with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "response"

VALID = {
    "criteria": "recist1.1",
    "baseline": {
        "targets": [
            {"id": "T1", "organ": "liver", "node": False, "mm": 32},
            {"id": "L1", "organ": "lymph node", "node": True, "mm": 16},
        ],
        "nontargets": True,
    },
    "followups": [
        {"week": 8, "targets": {"T1": 20, "L1": 12}, "nontarget": "non-CR/non-PD"},
        {
            "week": 16,
            "targets": {"T1": 21, "L1": 12},
            "nontarget": "non-CR/non-PD",
            "new_lesions": [{"id": "N1", "mm": 12}, {"id": "N2", "mm": None}],
        },
    ],
}


def run(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "immunocourse", "response", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=60)


def write(tmp_path: Path, doc, name: str = "case.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=1))
    return str(path)


def test_classify_prints_json(tmp_path: Path) -> None:
    proc = run("classify", write(tmp_path, VALID))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = json.loads(proc.stdout)
    assert out == {
        "criteria": "recist1.1",
        "timepoints": [
            {
                "week": 8,
                "response": "PR",
                "sum_mm": 32,
                "change_from_baseline_pct": -33.3,
                "change_from_nadir_pct": -33.3,
            },
            {
                "week": 16,
                "response": "PD",
                "sum_mm": 33,
                "change_from_baseline_pct": -31.3,
                "change_from_nadir_pct": 3.1,
            },
        ],
        "best_overall_response": "PR",
    }


@pytest.mark.parametrize("flag", [["--criteria", "irecist"], ["--criteria=irecist"]])
def test_criteria_flag_overrides_the_file(tmp_path: Path, flag: list[str]) -> None:
    proc = run("classify", write(tmp_path, VALID), *flag)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["criteria"] == "irecist"
    assert [tp["response"] for tp in out["timepoints"]] == ["iPR", "iUPD"]
    assert out["best_overall_response"] == "iPR"


def test_example_file_pseudoprogression() -> None:
    path = str(DATA / "pseudoprogression.json")
    i = json.loads(run("classify", path).stdout)
    r = json.loads(run("classify", path, "--criteria", "recist1.1").stdout)
    assert [tp["response"] for tp in i["timepoints"]] == ["iUPD", "iSD", "iPR"]
    assert i["best_overall_response"] == "iPR"
    assert [tp["response"] for tp in r["timepoints"]] == ["PD", "SD", "PR"]
    assert r["best_overall_response"] == "PD"


def test_help() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    assert "classify FILE.json" in proc.stdout


def _mutate(edit) -> dict:
    doc = json.loads(json.dumps(VALID))
    edit(doc)
    return doc


def _targets(n: int, organ=lambda i: f"organ{i}", node: bool = False, mm: int = 20):
    return [{"id": f"T{i}", "organ": organ(i), "node": node, "mm": mm} for i in range(n)]


BAD_DOCS = {
    "six targets": (
        lambda d: d["baseline"].update(targets=_targets(6)),
        "baseline.targets: 6 target lesions",
    ),
    "three in one organ": (
        lambda d: d["baseline"].update(targets=_targets(3, organ=lambda i: "lung")),
        "baseline.targets: 3 targets in organ 'lung'",
    ),
    "small non-nodal target": (
        lambda d: d["baseline"]["targets"][0].update(mm=9.5),
        "baseline.targets[0].mm: a non-nodal target must measure >= 10 mm",
    ),
    "small nodal target": (
        lambda d: d["baseline"]["targets"][1].update(mm=14),
        "baseline.targets[1].mm: a nodal target needs a short axis >= 15 mm",
    ),
    "negative size": (
        lambda d: d["followups"][0]["targets"].update(T1=-3),
        "followups[0].targets.T1: size must be >= 0 mm",
    ),
    "unknown lesion id": (
        lambda d: d["followups"][1]["targets"].update(T9=4),
        "followups[1].targets: unknown lesion id 'T9'",
    ),
    "unknown criteria": (
        lambda d: d.update(criteria="recist2"),
        "criteria: unknown criteria 'recist2'",
    ),
    "duplicate ids": (
        lambda d: d["baseline"]["targets"][1].update(id="T1"),
        "baseline.targets[1].id: duplicate lesion id 'T1'",
    ),
    "missing field": (
        lambda d: d["followups"][1].pop("week"),
        "followups[1]: missing key 'week'",
    ),
    "ill-typed field": (
        lambda d: d["baseline"]["targets"][0].update(mm="32"),
        "baseline.targets[0].mm: expected a number, got the string '32'",
    ),
    "unknown key": (
        lambda d: d["followups"][0].update(comment="x"),
        "followups[0].comment: unknown key",
    ),
    "non-increasing weeks": (
        lambda d: d["followups"][1].update(week=8),
        "followups[1].week: week 8 is not after the previous follow-up",
    ),
    "unknown non-target state": (
        lambda d: d["followups"][0].update(nontarget="stable"),
        "followups[0].nontarget: unknown state 'stable'",
    ),
}


@pytest.mark.parametrize("name", list(BAD_DOCS))
def test_bad_document_one_line_exit_2(tmp_path: Path, name: str) -> None:
    edit, message = BAD_DOCS[name]
    path = write(tmp_path, _mutate(edit))
    proc = run("classify", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{path}: {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"criteria": "recist1.1",\n "baseline": {,\n}', "invalid JSON at line 2, column 15"),
        ("", "invalid JSON at line 1, column 1"),
        ('{"criteria": "recist1.1", "criteria": "irecist"}', "duplicate key 'criteria'"),
        ('{"x": NaN}', "NaN is not valid JSON"),
        ("[1, 2]", "expected an object, got an array"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_json(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    proc = run("classify", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{path}: ")
    assert message in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["classify", "no/such/file.json"], "no/such/file.json: no such file"),
        (["classify", "{case}", "--criteria", "who"], "--criteria: unknown criteria 'who'"),
        (["classify", "{case}", "--criteria"], "--criteria: missing value"),
        (["classify", "{case}", "--verbose"], "unknown option '--verbose'"),
        (["classify"], "missing FILE"),
        (["grade", "{case}"], "unknown subcommand 'grade'"),
        ([], "missing subcommand"),
    ],
)
def test_bad_command_line(tmp_path: Path, args: list[str], message: str) -> None:
    case = write(tmp_path, VALID)
    proc = run(*[a.replace("{case}", case) for a in args])
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert message in proc.stderr


def test_main_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from immunocourse.science.response_cli import main

    doc = _mutate(lambda d: d["followups"][1]["targets"].update(T9=4))
    path = write(tmp_path, doc)
    assert main(["classify", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{path}: followups[1].targets: unknown lesion id 'T9'\n"
    assert main(["classify", write(tmp_path, VALID, "ok.json")]) == 0
    assert json.loads(capsys.readouterr().out)["best_overall_response"] == "PR"
