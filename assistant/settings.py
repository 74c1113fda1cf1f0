"""The one settings object, read from the environment and `.env` (prefix RATSINFO_).

Built once at the entry point (CLI, UI) and passed down; library code never reads os.environ.
Every field is listed with its default in `.env.example`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RATSINFO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # storage
    data_dir: Path = Field(default=Path("./data"), description="Index, lexical index and feedback live here.")
    collection: str = Field(default="ratsinfo", description="Chroma collection name.")
    chroma_url: str | None = Field(default=None, description="http://host:port of a chroma server; empty = embedded store.")

    # embeddings
    embedding_backend: Literal["auto", "sentence-transformers", "bundled"] = "auto"
    embedding_model: str = Field(
        default="intfloat/multilingual-e5-small",
        description="Hub name or local path of a sentence-transformers model.",
    )
    embedding_batch_size: int = 32
    embedding_device: str = "cpu"

    # chunking
    chunk_max_chars: int = Field(default=900, description="Sections longer than this become several chunks.")
    chunk_overlap_chars: int = 150

    # retrieval
    retrieval_mode: Literal["dense", "lexical", "hybrid"] = "hybrid"
    top_k: int = 5
    candidate_k: int = Field(default=40, description="Candidates each retriever contributes before fusion.")
    rrf_k: int = 60
    lexical_weight_de: float = Field(default=0.7, description="Weight of BM25 in fusion for German questions.")
    lexical_weight_en: float = Field(default=0.15, description="Weight of BM25 in fusion for English questions.")
    query_translation: bool = Field(default=True, description="Expand English questions with German council vocabulary.")

    # answering
    answer_backend: Literal["extractive", "ollama", "openai", "llamacpp"] = "extractive"
    refusal_threshold: float = Field(
        default=0.80, description="Minimum dense similarity of the best passage to answer at all."
    )
    answer_max_sentences: int = 3
    answer_max_citations: int = 3

    # ingestion limits
    max_file_mb: float = Field(default=50.0, description="Files above this size are skipped with a reason.")
    default_public: bool = Field(
        default=True,
        description="Public flag for local files without an explicit marker (the operator vouches for them). "
        "Documents marked 'nichtöffentlich' are always non-public.",
    )

    # ui
    ui_port: int = 8501
    ui_address: str = "127.0.0.1"
    log_level: str = "WARNING"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"
