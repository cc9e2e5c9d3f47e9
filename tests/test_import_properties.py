"""Whatever text a plan's points hold, the draft is a plan file the model accepts and valid JSON."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.importer.draft import import_document
from bot.importer.errors import DocumentError
from bot.importer.render_json import render_json
from bot.importer.render_yaml import render_yaml
from bot.plans.model import Plan

TODAY = dt.date(2026, 12, 1)
"""Stands in for the issue date of a document that shows none (never the wall clock)."""

WORDS = st.sampled_from(
    [
        "Sở",
        "Nội",
        "vụ",
        "chủ",
        "trì",
        "phối",
        "hợp",
        "với",
        "Giao",
        "UBND",
        "tỉnh",
        "quý",
        "II/2017",
        "trước",
        "ngày",
        "30/6",
        "thường",
        "xuyên",
        ":",
        "#",
        "'",
        '"',
        "&",
        "*",
        "-",
        "a)",
        "1.",
        "(2)",
        "Thời gian thực hiện:",
        "Phân công thực hiện:",
        "\n",
        "hằng năm",
        "báo cáo",
        "định kỳ",
        "|",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(WORDS, min_size=1, max_size=25).map(" ".join), min_size=1, max_size=6))
def test_any_points_give_a_valid_plan_file(points: list[str]) -> None:
    text = "Số: 7/KH-UBND\nHà Nội, ngày 2 tháng 3 năm 2020\nI. NHIỆM VỤ\n" + "\n".join(
        f"{index}. {point}" for index, point in enumerate(points, start=1)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ke-hoach.txt"
        path.write_text(text, encoding="utf-8")
        try:
            draft = import_document(path, today=TODAY)
        except DocumentError as refused:  # points that are only labels or intros: nothing to draft
            assert "không tìm thấy nhiệm vụ" in str(refused)
            return
    plan = Plan.model_validate(yaml.safe_load(render_yaml(draft)))
    assert [(task.id, task.title) for task in plan.tasks] == [(task.id, task.text) for task in draft.tasks]
    assert len({task.id for task in plan.tasks}) == len(plan.tasks)
    assert [task["ref"] for task in json.loads(render_json(draft))["tasks"]] == [
        task.id for task in draft.tasks
    ]
