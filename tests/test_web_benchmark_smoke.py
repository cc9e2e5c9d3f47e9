"""`benchmarks/web_pages.py` at a tiny size, so that it does not rot (marked `slow`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "web_pages.py"

pytestmark = pytest.mark.slow


def test_web_pages_at_one_copy() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--copies", "1", "--rounds", "1", "--databases", "sqlite"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=BENCHMARK.parent.parent,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 1: a page over 300 ms
    timed = re.findall(r"median +[\d.]+ ms, slowest +[\d.]+ ms \[(\d+)\]", result.stdout)
    assert len(timed) == 12 and set(timed) == {"200"}, result.stdout
    assert re.search(r"every page under 300 ms: (yes|NO)", result.stdout)
