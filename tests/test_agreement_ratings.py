"""``thematic agree ratings``: rating scales and screening decisions from a sheet."""

from __future__ import annotations

import json

import pytest

# Krippendorff (2011), 4 coders × 12 units, as a wide sheet (empty = missing).
KRIPPENDORFF_2011_CSV = """unit,A,B,C,D
1,1,1,,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,,5,5,5
11,,,1,1
12,,3,,
"""

NOTES = (
    "units: units with ratings from at least two coders; kappa, AC1 and percent agreement "
    "treat every distinct rating as a category\n"
    "percent agreement, pairwise: mean over units coded by at least two coders of the share "
    "of coder pairs in the unit that agree (Fleiss' P-bar, Gwet's p_a)\n"
    "percent agreement, all: share of units coded by at least two coders in which every "
    "coder agrees\n")


def test_published_alphas_end_to_end(run, tmp_path):
    sheet = tmp_path / "k.csv"
    sheet.write_text(KRIPPENDORFF_2011_CSV, encoding="utf-8")
    result = run("agree", "ratings", sheet, "--boot", "0")
    assert result.exit_code == 0
    assert result.output == (
        f"Ratings of A, B, C, D on 12 units ({sheet})\n"
        "\n"
        "statistic                        value      units  interpretation\n"
        "-------------------------------  ---------  -----  --------------------------\n"
        "Krippendorff's alpha (nominal)   0.743      11     tentative conclusions only\n"
        "Krippendorff's alpha (ordinal)   0.815      11     reliable\n"
        "Krippendorff's alpha (interval)  0.849      11     reliable\n"
        "Krippendorff's alpha (ratio)     0.797      11     tentative conclusions only\n"
        "Fleiss' kappa                    undefined         undefined\n"
        "Gwet's AC1                       0.775      11     substantial\n"
        "percent agreement (pairwise)     81.8%      11\n"
        "percent agreement (all coders)   72.7%      11\n"
        "\n"
        "undefined: Fleiss' kappa — not applicable: Fleiss' kappa needs the same number of "
        "ratings for every unit; found 1, 2, 3, 4 (use Krippendorff's alpha for missing "
        "data)\n"
        "\n" + NOTES)


def test_long_sheet_gives_the_same_figures(run, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(KRIPPENDORFF_2011_CSV, encoding="utf-8")
    lines = KRIPPENDORFF_2011_CSV.splitlines()
    coders = lines[0].split(",")[1:]
    long_rows = ["coder,unit,value"] + [
        f"{coder},{cells[0]},{value}" for line in reversed(lines[1:])
        for cells in [line.split(",")] for coder, value in zip(coders, cells[1:], strict=True)
        if value]
    long = tmp_path / "long.csv"
    long.write_text("\n".join(long_rows) + "\n", encoding="utf-8")
    a = json.loads(run("agree", "ratings", wide, "--json", "--boot", "50").output)
    b = json.loads(run("agree", "ratings", long, "--json", "--boot", "50").output)
    for scale in ("nominal", "ordinal", "interval", "ratio"):
        assert a["alpha"][scale]["value"] == pytest.approx(b["alpha"][scale]["value"])
    assert sorted(b["coders"]) == ["A", "B", "C", "D"]


def test_screening_decisions_as_labels(run, tmp_path):
    # Two reviewers screening 8 records. Cohen by hand: table (rows A, cols B) over
    # exclude/include: A=ex & B=ex 4, A=ex & B=in 1, A=in & B=in 3 -> p_o = 7/8;
    # p_A(ex) = 5/8, p_B(ex) = 4/8; p_e = 5/8·4/8 + 3/8·4/8 = 0.5; kappa = 0.375/0.5 = 0.75
    sheet = tmp_path / "screening.csv"
    sheet.write_text("record,ann,ben\n" + "".join(
        f"r{i},{a},{b}\n" for i, (a, b) in enumerate(
            [("exclude", "exclude")] * 4 + [("exclude", "include")]
            + [("include", "include")] * 3)), encoding="utf-8")
    doc = json.loads(run("agree", "ratings", sheet, "--json", "--boot", "0").output)
    assert list(doc["alpha"]) == ["nominal"]
    assert doc["kappa"]["name"] == "Cohen's kappa"
    assert doc["kappa"]["value"] == pytest.approx(0.75)
    assert doc["kappa"]["interpretation"] == "substantial"
    ordered = json.loads(run("agree", "ratings", sheet, "--json", "--boot", "0", "--order",
                             "exclude,include").output)
    assert list(ordered["alpha"]) == ["nominal", "ordinal"]


@pytest.mark.parametrize("content, args, message", [
    ("unit,A,B\n1,low,high\n2,low,low\n", ("--scale", "ordinal"),
     "Error: [E207] --scale: ordinal needs numbers but the ratings in {path} are labels; "
     "give the order of the labels with --order a,b,c\n"),
    ("unit,A,B\n1,1,2\n1,2,2\n", (),
     "Error: [E206] {path}, row 3: unit '1' is listed again (first at row 2). Give each "
     "unit one row, with one column per coder.\n"),
    ("unit,A\n1,1\n", (),
     "Error: [E206] {path}, row 1: fewer than two coder columns. Give one column per coder "
     "(or columns unit, coder, value).\n"),
    ("unit,A,B\n1,low,mid\n", ("--order", "low,high"),
     "Error: [E206] {path}, row unit '1': coder 'B' gave 'mid', which is not in --order "
     "(low, high). Add it to --order or correct the sheet.\n"),
])
def test_bad_sheets(run, tmp_path, content, args, message):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(content, encoding="utf-8")
    result = run("agree", "ratings", sheet, "--boot", "0", *args)
    assert (result.exit_code, result.output) == (2, message.format(path=sheet))


def test_missing_sheet(run, tmp_path):
    result = run("agree", "ratings", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [E010] {tmp_path / 'nope.csv'} does not exist.")
