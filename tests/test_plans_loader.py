"""Loading plans and the directory: resolution of unit names, the folder layout, values as written."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.plans.loader import find_unit, load_directory, load_workspace
from bot.plans.names import name_key, slugify

GOOD = Path(__file__).parent / "data" / "plans" / "good"


@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(GOOD / "directory", folder / "directory")
    return folder


def test_good_folder_loads_clean_and_ignores_underscore_files() -> None:
    workspace = load_workspace([GOOD])
    assert workspace.problems == []
    assert list(workspace.plans) == ["kh-04-2017"]
    assert workspace.plans["kh-04-2017"].path == GOOD / "kh-04-2017.yaml"


def test_every_unit_reference_is_resolved_to_the_unit_id() -> None:
    plan = load_workspace([GOOD]).plans["kh-04-2017"].plan
    assert plan.monitor == "vp-ubnd"  # written `văn phòng ubnd tỉnh`: lower case
    first, second, third = plan.tasks
    assert (first.lead, first.support) == ("so-ct", ["so-khdt", "so-tc"])  # `so kh&dt`: no diacritics
    assert (second.lead, second.support) == ("so-khdt", ["so-tc"])  # `SO KH&DT`; a single string
    assert third.lead == "phong-kt"  # a name with commas in it
    assert plan.targets[0].lead == "so-ct"  # the id itself
    assert plan.reporting[0].who == ["so-ct", "so-khdt"]
    assert plan.reporting[0].to == "so-khdt"
    assert plan.digest_to == ["nguyen-van-a"]


def test_values_are_read_as_written() -> None:
    plan = load_workspace([GOOD]).plans["kh-04-2017"].plan
    assert plan.issued == dt.date(2017, 1, 10)  # written 10/01/2017
    assert plan.tasks[1].id == "III.1.10"  # not the number 1.1
    assert plan.tasks[1].due == dt.date(2017, 6, 29)  # written ISO
    assert plan.reminders is not None
    assert plan.reminders.before == [5, 1, 0]
    assert plan.reminders.notify_support is True  # written `yes`
    assert plan.tasks[0].leader == "le-anh-tuan"
    assert plan.title == "Kế hoạch hành động thực hiện Nghị quyết số 05-NQ/TW"


def test_directory_files_are_merged_and_references_in_it_resolved() -> None:
    directory, problems = load_directory(GOOD / "directory")
    assert problems == []
    assert [unit.id for unit in directory.units] == ["vp-ubnd", "so-khdt", "so-tc", "so-ct", "phong-kt"]
    assert [(person.id, person.unit) for person in directory.people] == [
        ("nguyen-van-a", "vp-ubnd"),  # written as the unit's full name
        ("le-anh-tuan", "vp-ubnd"),
    ]
    assert next(unit for unit in directory.units if unit.id == "phong-kt").parent == "vp-ubnd"


@pytest.mark.parametrize(
    ("reference", "unit_id"),
    [
        ("so-khdt", "so-khdt"),
        ("Sở Kế hoạch và Đầu tư", "so-khdt"),
        ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "so-khdt"),
        ("  so   ke hoach va dau tu ", "so-khdt"),
        ("Sở KH&ĐT", "so-khdt"),
        ("so kh&dt", "so-khdt"),
        ("VP UBND", "vp-ubnd"),
        ("Văn phòng HĐND và UBND tỉnh", "vp-ubnd"),
        ("van phong hdnd va ubnd tinh", "vp-ubnd"),
    ],
)
def test_find_unit_by_id_name_short_or_alias(reference: str, unit_id: str) -> None:
    directory, _ = load_directory(GOOD / "directory")
    unit = find_unit(directory, reference)
    assert unit is not None
    assert unit.id == unit_id


def test_find_unit_returns_none_for_an_unknown_name() -> None:
    directory, _ = load_directory(GOOD / "directory")
    assert find_unit(directory, "Sở Y tế") is None


def test_name_key_and_slugify() -> None:
    assert name_key("  Sở KH&ĐT \t Thanh  Hóa ") == "so kh&dt thanh hoa"
    assert name_key("ĐẢNG ỦY") == "dang uy"
    assert slugify("KH 04 UBND Thanh Hóa") == "kh-04-ubnd-thanh-hoa"


def test_a_single_file_uses_the_directory_next_to_it(plans_dir: Path) -> None:
    plan_file = plans_dir / "one.yaml"
    shutil.copy(GOOD / "kh-04-2017.yaml", plan_file)
    workspace = load_workspace([plan_file])
    assert workspace.errors == []
    assert list(workspace.plans) == ["one"]


def test_directory_dir_overrides_where_the_directory_is_read(tmp_path: Path) -> None:
    plan_file = tmp_path / "elsewhere" / "kh.yaml"
    plan_file.parent.mkdir()
    shutil.copy(GOOD / "kh-04-2017.yaml", plan_file)
    workspace = load_workspace([plan_file], directory_dir=GOOD / "directory")
    assert workspace.errors == []
    assert workspace.plans["kh"].plan.tasks[0].lead == "so-ct"


def test_a_plan_with_an_error_is_left_out_while_good_plans_load(plans_dir: Path) -> None:
    shutil.copy(GOOD / "kh-04-2017.yaml", plans_dir / "good.yaml")
    (plans_dir / "bad.yaml").write_text(
        (GOOD / "kh-04-2017.yaml").read_text(encoding="utf-8").replace("lead: so-ct", "lead: so-yt"),
        encoding="utf-8",
    )
    workspace = load_workspace([plans_dir])
    assert list(workspace.plans) == ["good"]
    assert [(p.path.name, p.code) for p in workspace.errors] == [("bad.yaml", "unknown-unit")]


def test_the_examples_in_plans_readme_load_clean(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "plans" / "README.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in readme.split("```yaml\n")[1:]]
    plan_text, directory_text = blocks
    (tmp_path / "directory").mkdir()
    (tmp_path / "directory" / "so-nganh.yaml").write_text(directory_text, encoding="utf-8")
    (tmp_path / "kh-04-ubnd-2017.yaml").write_text(plan_text, encoding="utf-8")
    workspace = load_workspace([tmp_path])
    assert workspace.errors == []
    plan = workspace.plans["kh-04-ubnd-2017"].plan
    assert [task.lead for task in plan.tasks] == ["so-ct", "so-xd", "so-tttt"]
    assert plan.tasks[0].support == ["so-khdt", "so-tc"]
