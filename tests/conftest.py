"""Shared fixtures. PostgreSQL tests need NHACVIEC_TEST_POSTGRES_URL (`.ci/run` sets it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"
POSTGRES_URL = os.environ.get("NHACVIEC_TEST_POSTGRES_URL")


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture
def postgres_url() -> str:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need NHACVIEC_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    return POSTGRES_URL
