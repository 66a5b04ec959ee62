"""`scan --format sarif`: SARIF 2.1.0, checked against the official schema (tests/fixtures/README.md)."""

import json
import os
from pathlib import Path

import jsonschema

from codemod.engine import all_rules
from conftest import run_reprofix
from test_notebooks import CELLS, notebook

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "sarif-2.1.0-rtm.5.json").read_text())
SCRIPT = b"import torch\nfrom torch.utils.data import DataLoader\nloader = DataLoader(d, shuffle=True, num_workers=0)\n" \
         b"torch.nn.Dropout(0.5)\n# [reprofix PT201] was: left over\n"


def test_sarif_validates_and_says_what_the_json_says(tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_bytes(SCRIPT)
    (tmp_path / "src" / "bad.py").write_bytes(b"import torch\nprint 'x'\nif __name__ == '__main__':\n    pass\n")
    notebook(tmp_path / "src" / "nb.ipynb", CELLS)
    sarif = run_reprofix("scan", "--format", "sarif", "src", cwd=tmp_path, check_code=1)
    log = json.loads(sarif.stdout)
    assert list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log)) == []
    (run,) = log["runs"]

    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(all_rules())
    for descriptor, rule in zip(rules, all_rules().values()):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"] == {"text": rule.summary}
        assert descriptor["fullDescription"] == {"text": rule.why}
        assert descriptor["help"]["text"] == f"{rule.summary} {rule.why}"
        assert descriptor["defaultConfiguration"] == {"level": "note" if rule.fix == "note" else "warning"}

    as_json = json.loads(run_reprofix("scan", "--json", "src", cwd=tmp_path, check_code=1).stdout)
    assert len(run["results"]) == len(as_json["findings"])
    for result, finding in zip(run["results"], as_json["findings"]):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
        assert result["message"] == {"text": finding["message"]}
        assert result["level"] == ("note" if finding["kind"] == "note" else "warning")
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        region = physical["region"]
        if finding["path"].endswith(".ipynb"):
            assert location["properties"] == {"cell": finding["cell"], "line": finding["line"], "column": finding["col"]}
            assert location["logicalLocations"] == [
                {"name": f"cell {finding['cell']}", "fullyQualifiedName": f"cells[{finding['cell'] - 1}]", "kind": "object"}]
        else:
            assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["col"])
    script = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]) for r in run["results"]
              if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/train.py"]
    assert script == [
        ("PT105", "warning", {"startLine": 3, "startColumn": 10}),
        ("PT201", "warning", {"startLine": 4, "startColumn": 1}),
        ("RP002", "note", {"startLine": 5, "startColumn": 1}),
    ]
    # In a notebook the region is the line of the JSON file that holds the code, at the code's column.
    lines = (tmp_path / "src" / "nb.ipynb").read_text().splitlines()
    flagged = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"] for r in run["results"]
               if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/nb.ipynb"}
    assert lines[flagged["PT201"]["startLine"] - 1][flagged["PT201"]["startColumn"] - 1:] == 'nn.Dropout(p=0.5)\\n",'
    assert lines[flagged["PT105"]["startLine"] - 1][flagged["PT105"]["startColumn"] - 1:].startswith("DataLoader(data,")
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": [
        {"level": "error", "message": {"text": "src/bad.py:2:1: syntax error: Missing parentheses in call to 'print'. "
                                               "Did you mean print(...)?; file left unchanged"}}]}]


def test_json_is_format_json_and_help_says_scan(tmp_path: Path):
    (tmp_path / "train.py").write_bytes(SCRIPT)
    assert run_reprofix("scan", "--json", "train.py", cwd=tmp_path).stdout == \
        run_reprofix("scan", "--format", "json", "train.py", cwd=tmp_path).stdout
    both = run_reprofix("scan", "--json", "--format", "sarif", "train.py", cwd=tmp_path, check_code=2)
    assert both.stderr == "reprofix: --json and --format sarif: choose one\n"
    leftovers = json.loads(run_reprofix("scan", "--leftovers", "--format", "sarif", "train.py", cwd=tmp_path,
                                        check_code=1).stdout)
    assert list(jsonschema.Draft4Validator(SCHEMA).iter_errors(leftovers)) == []
    assert [r["ruleId"] for r in leftovers["runs"][0]["results"]] == ["RP002"]
    assert leftovers["runs"][0]["properties"] == {"applied_patch": None}
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / os.fsdecode(b"caf\xe9 1.py")).write_bytes(SCRIPT)
    odd = json.loads(run_reprofix("scan", "--format", "sarif", "odd", cwd=tmp_path, check_code=1).stdout)
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in odd["runs"][0]["results"]} == \
        {"odd/caf%E9%201.py"}
    helptext = run_reprofix("scan", "--help", cwd=tmp_path, check_code=0).stdout
    assert "rewrite" not in helptext.lower() and "--format" in helptext
