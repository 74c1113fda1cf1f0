"""One settings object; `.env.example` lists every field with its default."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings, env_example

REPO = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_setting_with_its_default() -> None:
    assert (REPO / ".env.example").read_text(encoding="utf-8") == env_example(), \
        "regenerate with: python -m assistant.settings > .env.example"


def test_settings_read_the_environment_with_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RATSINFO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RATSINFO_RETRIEVAL_MODE", "lexical")
    monkeypatch.setenv("RATSINFO_TOP_K", "7")
    settings = Settings(_env_file=None)
    assert settings.data_dir == tmp_path and settings.retrieval_mode == "lexical" and settings.top_k == 7


def test_settings_read_a_dotenv_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RATSINFO_TOP_K", raising=False)
    env = tmp_path / ".env"
    env.write_text("RATSINFO_TOP_K=9\nRATSINFO_EMBEDDING_BACKEND=bundled\n", encoding="utf-8")
    settings = Settings(_env_file=env)
    assert settings.top_k == 9 and settings.embedding_backend == "bundled"
