"""`evradar classify`: JSON lines in, one verdict per line out, bad lines answered and skipped past."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SEED


def _run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "classify", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_one_line_out_per_line_in_same_order_with_errors_for_bad_lines() -> None:
    lines = [
        json.dumps(
            {
                "id": "a",
                "title": "Stellantis takes 21% stake in Leapmotor",
                "summary": "Stellantis will buy about 21% of the Chinese EV maker Leapmotor.",
            }
        ),
        "{not json",
        json.dumps({"id": "b", "title": "Rivian recalls vehicles", "summary": "A steering fastener."}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "title": 42}),
        json.dumps({"id": "d", "title": "", "summary": "", "content": SEED.read_text(encoding="utf-8")}),
    ]
    result = _run("\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", None, "c", "d"]
    assert out[0]["alert"] is True and set(out[0]["partners"]) == {"Stellantis", "Leapmotor"}
    assert out[0]["kind"] == "investment" and out[0]["stage"] == "announced"
    assert "not valid JSON" in out[1]["error"]
    assert out[2]["alert"] is False
    assert "JSON object" in out[3]["error"]
    assert "must be a string" in out[4]["error"]
    assert out[5]["alert"] is True and set(out[5]["partners"]) == {"Xiaomi", "Great Wall Motor"}
    for verdict in (out[0], out[2], out[5]):
        assert {"id", "alert", "partners", "kind", "stage", "score", "evidence"} <= verdict.keys()
        assert 0.0 <= verdict["score"] <= 1.0


def test_classify_reads_a_file_argument(tmp_path) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(json.dumps({"id": 7, "title": "Tata Motors unveils an electric SUV"}) + "\n")
    result = _run("", str(source))
    assert result.returncode == 0
    assert json.loads(result.stdout)["id"] == 7


def test_missing_input_file_is_a_clear_error(tmp_path) -> None:
    result = _run("", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 1
    assert "cannot read" in result.stderr


def test_a_plain_text_article_is_read_as_one_story_named_after_its_file(tmp_path) -> None:
    article = tmp_path / "xiaomi.txt"
    article.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = _run("", str(article))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 1 and out[0]["id"] == "xiaomi.txt"
    assert out[0]["alert"] is True and set(out[0]["partners"]) == {"Xiaomi", "Great Wall Motor"}
    assert (out[0]["kind"], out[0]["stage"]) == ("manufacturing", "talks")


def test_plain_text_on_standard_input_takes_a_short_first_line_as_the_headline() -> None:
    text = "Stellantis takes 21% stake in Leapmotor\nThe carmaker will pay 1.5 billion euros for the stake.\n"
    result = _run(text, "-")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["id"] == "stdin" and out["alert"] is True
    assert set(out["partners"]) == {"Stellantis", "Leapmotor"} and out["kind"] == "investment"
