"""Plan files that would blow up the reader (aliases expanding without end, nesting deeper than
the stack, a file too big) are refused with one located message, quickly and in little memory; and
the fast libyaml reader reads every file exactly as the pure-Python reader always did."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.plans import yamldoc
from bot.plans.loader import MAX_FILE_MB, Problem, load_workspace
from bot.plans.yamldoc import MAX_ALIAS_VALUES, MAX_DEPTH, YamlDoc, read_yaml
from tests.cli_support import CliResult, run_nhacviec

DATA = Path(__file__).parent / "data"
GOOD = DATA / "plans" / "good"
SEEDS = Path(__file__).parent.parent / "plans"
NHACVIEC = Path(sys.executable).parent / "nhacviec"

HEADER = "issuer: UBND tỉnh Thanh Hóa\nnumber: 04/KH-UBND\nissued: 2017-01-10\ntitle: Kế hoạch thử\n"


def laughs(levels: int = 9) -> str:
    """The "billion laughs": each level lists the one before it ten times (10⁹ values at 9)."""
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]" for n in range(1, levels + 1)]
    return HEADER + "\n".join(lines) + f"\ntasks: *lol{levels}\n"


@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(GOOD / "directory", folder / "directory")
    return folder


def errors(plans_dir: Path, text: str, *, lang: str = "vi") -> list[str]:
    (plans_dir / "kh.yaml").write_text(text, encoding="utf-8")
    workspace = load_workspace([plans_dir], lang=lang)
    assert "kh" not in workspace.plans
    return [problem.format(plans_dir) for problem in workspace.errors]


def only(doc: YamlDoc) -> tuple[str, tuple[int, int], dict[str, object]]:
    assert doc.data is None and len(doc.issues) == 1
    issue = doc.issues[0]
    return issue.code, issue.position, issue.values


# --- aliases ---------------------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_the_alias_that_crosses_the_cap(plans_dir: Path) -> None:
    started = time.perf_counter()
    found = errors(plans_dir, laughs())
    assert time.perf_counter() - started < 20
    # lol1 to lol3 expand 10 + 110 + 1,110 values; on the lol4 line each *lol3 adds 1,111, and the
    # eighth (column 14 + 7 × len("*lol3, ")) passes 10,000.
    assert found == [
        f"kh.yaml:9:63: các bí danh (*…) trong tệp bung ra quá {MAX_ALIAS_VALUES} giá trị, vượt giới hạn ở "
        "«*lol3» này. Viết thẳng các giá trị thay cho bí danh."
    ]
    assert errors(plans_dir, laughs(), lang="en") == [
        f"kh.yaml:9:63: the aliases (*…) in this file expand to more than {MAX_ALIAS_VALUES} values; this "
        "«*lol3» crosses the limit. Write the values out instead of using aliases."
    ]


def test_an_alias_inside_its_own_anchor_is_refused_without_a_traceback(plans_dir: Path) -> None:
    text = HEADER + "tasks: &a\n  - id: I.1\n    title: Việc một\n    support: *a\n"
    assert errors(plans_dir, text) == [
        "kh.yaml:8:14: bí danh «*a» nằm ngay trong giá trị mà nó trỏ tới («&a»), nên không bao giờ kết "
        "thúc. Bỏ bí danh này hoặc viết thẳng giá trị ra."
    ]
    assert errors(plans_dir, "a: &x [b, {c: *x}]\n", lang="en") == [
        "kh.yaml:1:15: the alias «*x» sits inside the very value it points to («&x»), so it never ends. "
        "Remove the alias or write the value out."
    ]


def test_aliases_within_the_caps_still_read_as_before(plans_dir: Path) -> None:
    text = HEADER + (
        "tasks:\n"
        "  - id: I.1\n    title: Việc một\n    lead: so-khdt\n    support: &both [so-tc, so-ct]\n"
        "    timing: Quý II/2017\n"
        "  - id: I.2\n    title: Việc hai\n    lead: so-khdt\n    support: *both\n    timing: Quý III/2017\n"
    )
    (plans_dir / "kh.yaml").write_text(text, encoding="utf-8")
    workspace = load_workspace([plans_dir])
    assert workspace.errors == []
    tasks = workspace.plans["kh"].plan.tasks
    assert tasks[0].support == tasks[1].support == ["so-tc", "so-ct"]
    assert observable(read_yaml(text)) == observable(pure(text))


def test_alias_depth_counts_the_nesting_the_aliases_build() -> None:
    chain = ["a0: &a0 x"] + [f"a{n}: &a{n} [*a{n - 1}]" for n in range(1, MAX_DEPTH + 10)]
    code, position, values = only(read_yaml("\n".join(chain) + "\n"))
    # a{n} is nested n deep below its key, one more than MAX_DEPTH first at n = MAX_DEPTH.
    assert (code, position, values) == (
        "yaml-limit",
        (MAX_DEPTH + 1, len(f"a{MAX_DEPTH}: &a{MAX_DEPTH} [") + 1),
        {"limit": MAX_DEPTH},
    )


# --- nesting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 800, 5000])
def test_deep_flow_nesting_is_refused_where_it_crosses_the_cap(plans_dir: Path, depth: int) -> None:
    text = "tasks: " + "[" * depth + "]" * depth + "\n"
    column = len("tasks: ") + MAX_DEPTH + 1  # the bracket that opens level MAX_DEPTH + 1
    assert errors(plans_dir, text) == [
        f"kh.yaml:1:{column}: các mục lồng nhau quá {MAX_DEPTH} cấp. Kế hoạch chỉ cần vài cấp (tasks → mục "
        "→ khóa → danh sách): kiểm tra dấu ngoặc, thụt lề và bí danh (*…) ở đây."
    ]


def test_deep_block_nesting_is_refused_too() -> None:
    text = "".join(" " * level + f"k{level}:\n" for level in range(300)) + " " * 300 + "v: 1\n"
    assert only(read_yaml(text)) == ("yaml-limit", (MAX_DEPTH + 2, MAX_DEPTH + 2), {"limit": MAX_DEPTH})
    # With a tab the pure-Python reader is used, whose composer recursion gives out first.
    assert only(read_yaml(text + "# \t\n"))[0] == "yaml-limit"


# --- file size -------------------------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_saying_the_cap(plans_dir: Path) -> None:
    text = HEADER + "# " + "x" * (MAX_FILE_MB * 1024 * 1024) + "\n"
    assert errors(plans_dir, text) == [
        f"kh.yaml: tệp quá lớn ({MAX_FILE_MB}.0 MB); mỗi tệp tối đa {MAX_FILE_MB} MB. "
        "Kiểm tra xem đây có đúng là tệp kế hoạch hay danh bạ không, hoặc tách thành nhiều tệp."
    ]
    assert errors(plans_dir, text, lang="en") == [
        f"kh.yaml: the file is too large ({MAX_FILE_MB}.0 MB); each file may hold at most {MAX_FILE_MB} MB. "
        "Check that this really is a plan or directory file, or split it into several files."
    ]


def test_too_large_is_a_whole_file_problem(plans_dir: Path) -> None:
    (plans_dir / "kh.yaml").write_text("#" * (MAX_FILE_MB * 1024 * 1024 + 1), encoding="utf-8")
    [problem] = load_workspace([plans_dir]).errors
    assert (problem.code, problem.line, problem.column) == ("too-large", 0, 0)
    assert isinstance(problem, Problem)


# --- the real command, as a clerk would run it ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "real_process"),
    [(laughs(), False), (HEADER + "tasks: &a [*a]\n", False), ("tasks: " + "[" * 100_000 + "\n", True)],
    ids=["billion-laughs", "self-alias", "100k-brackets"],
)
def test_plans_check_refuses_quickly_without_a_traceback(
    plans_dir: Path, tmp_path: Path, text: str, real_process: bool
) -> None:
    """The aliases run in-process (`tests/cli_support.py`: what a fresh process would see); the
    deep nesting runs as the real command, on a fresh process's stack (pytest's frames would
    make the recursion limit come sooner in-process)."""
    (plans_dir / "kh.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PLANS_DIR": str(plans_dir), "NHACVIEC_LANGUAGE": "vi"}
    started = time.perf_counter()
    result: CliResult | subprocess.CompletedProcess[str]
    if real_process:
        result = subprocess.run(
            [str(NHACVIEC), "plans", "check"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    else:
        result = run_nhacviec("plans", "check", env=env, cwd=tmp_path)
    assert time.perf_counter() - started < 20
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.startswith("plans/kh.yaml:") and "1 lỗi" in result.stdout


@pytest.mark.slow
def test_billion_laughs_peak_memory_stays_small(plans_dir: Path, tmp_path: Path) -> None:
    (plans_dir / "kh.yaml").write_text(laughs(), encoding="utf-8")
    env = {**os.environ, "PLANS_DIR": str(plans_dir), "NHACVIEC_LANGUAGE": "vi"}
    process = subprocess.Popen(
        [str(NHACVIEC), "plans", "check"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    assert usage.ru_maxrss * 1024 < 600 * 1024 * 1024  # ru_maxrss is in KiB on Linux


# --- libyaml reads exactly what the pure-Python reader reads ------------------------------------


def pure(text: str) -> YamlDoc:
    """`read_yaml` as it was: the pure-Python reader for every file."""
    return yamldoc._read_pure(text)


def observable(doc: YamlDoc) -> tuple[object, ...]:
    """What the loader can see: the data, the issues, and every position `where` can return (a
    value's own position only counts where no key gives one)."""
    values = {loc: position for loc, position in doc.values.items() if loc not in doc.keys}
    issues = [(i.code, i.loc, i.position, i.template, i.values) for i in doc.issues]
    return doc.data, doc.keys, values, issues


def corpus() -> list[Path]:
    return sorted([*SEEDS.glob("*.yaml"), *SEEDS.glob("directory/*.yaml"), *DATA.glob("**/*.yaml")])


@pytest.mark.parametrize("path", corpus(), ids=lambda path: path.name)
def test_every_seed_and_test_file_reads_as_with_the_pure_python_reader(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    for variant in (text, text.replace("\n", "\r\n")):
        assert observable(read_yaml(variant)) == observable(pure(variant))


@pytest.mark.parametrize(
    "text",
    [
        "a: [b: ]\n",  # libyaml places the empty value one column further
        "a: !\n- !\n",  # a bare tag: libyaml resolves it differently
        "a: !:!null x\n",  # libyaml accepts this tag, the pure-Python reader does not
        "a: [x? y]\n",  # `?` in a flow sequence
        "a: |#\n  x\n",  # a block scalar header followed by a comment without a space
        "a:\tb\n",  # a tab
        "a: b\ufeffc\n",  # a byte-order mark inside the text
        "a: 1\nb:",  # no line break at the end
        "? [a]\n: b\n",  # a complex key, named by its position
        "---",
    ],
)
def test_the_corners_where_the_readers_differ_read_as_before(text: str) -> None:
    assert observable(read_yaml(text)) == observable(pure(text))


def test_libyaml_is_used_when_it_is_there() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    assert yamldoc._FAST_LOADER is not None
    assert yaml.compose("a: 1\n", Loader=yamldoc._FAST_LOADER).value[0][1].start_mark.line == 0
