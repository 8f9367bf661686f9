"""The resolve run summary says in plain words what the run's links did."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from sojourn.cli.resolve_output import run_table
from sojourn.resolve.run import RunSummary


def _shown(counts: dict[str, int]) -> str:
    console = Console(width=120, record=True)
    console.print(run_table(RunSummary(1, "m1", True, 5000, 1200, counts, pairs=21_345)))
    return console.export_text()


def test_records_linked_into_new_persons_are_not_hidden_behind_merges_0() -> None:
    counts = {
        "links_written": 5000,
        "persons_created": 1200,
        "merges": 0,
        "splits": 0,
        "reviews_opened": 3,
        "new_persons_of_several_records": 900,
        "records_in_new_persons_of_several_records": 4700,
        "links_written_to_existing_persons": 0,
        "records_moved_between_existing_persons": 0,
    }
    lines = [" ".join(line.replace("│", " ").split()) for line in _shown(counts).splitlines()]
    assert "of which with more than one record 900" in lines
    assert "records in those persons 4,700" in lines
    assert "merges of existing persons (ids retired) 0" in lines
    assert "candidate pairs scored 21,345" in lines
    assert not any(line.startswith("merges 0") for line in lines)
    order = [next(i for i, line in enumerate(lines) if line.startswith(p)) for p in
             ("persons created", "of which", "records in those", "merges of existing")]  # fmt: skip
    assert order == sorted(order)


def test_a_figure_without_a_label_is_still_shown() -> None:
    assert "something new 7" in " ".join(_shown({"something_new": 7}).replace("│", " ").split())


def _evaluation(groups: list[dict[str, Any]], ratio: float | None) -> str:
    from sojourn.cli.resolve_output import evaluation_tables

    ci = (0.9, 1.0)
    overall = {name: 0.99 for name in ("precision", "recall", "f1")}
    overall |= {f"{n}_ci": ci for n in ("precision", "recall", "f1")}
    overall |= {"false_merge_rate": 0.001, "missed_link_rate": 0.002,
                "false_merge_rate_ci": ci, "missed_link_rate_ci": ci}  # fmt: skip
    report = {"records": 10, "persons": 5, "overall": overall, "cluster": {},
              "blocking_recall": {"all": 1.0}, "groups": groups,
              "worst_best_missed_link_ratio": ratio}  # fmt: skip
    console = Console(width=160, record=True)
    console.print(evaluation_tables(report)[0])  # the overall figures
    return console.export_text()


def _group(name: str, persons: int, missed: float) -> dict[str, Any]:
    ci = (0.0, 1.0)
    return {"name_origin": name, "persons": persons, "f1": 0.99, "f1_ci": ci,
            "false_merge_rate": 0.0, "false_merge_rate_ci": ci,
            "missed_link_rate": missed, "missed_link_rate_ci": ci}  # fmt: skip


def test_a_missing_group_ratio_says_why() -> None:
    small = [_group("a", 12, 0.1)]
    assert "no group of 30+ persons" in _evaluation(small, None)
    perfect = [_group("a", 40, 0.0), _group("b", 50, 0.1)]
    assert "a group of 30+ persons missed no link" in _evaluation(perfect, None)
    assert "30+" not in _evaluation(perfect, 2.5)
