from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEV_JSONL = Path(__file__).resolve().parents[2] / "eval" / "data" / "dev.jsonl"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()
