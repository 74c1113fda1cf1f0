"""The one settings object, read from the environment and `.env` (prefix RATSINFO_).

Built once at the entry point (CLI, UI) and passed down; library code never reads os.environ.
Every field is listed with its default in `.env.example`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RATSINFO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # storage
    data_dir: Path = Field(default=Path("./data"), description="Index, lexical index and feedback live here.")
    collection: str = Field(default="ratsinfo", description="Chroma collection name.")
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a chroma server; empty = embedded store.")

    hnsw_ef_search: int = Field(default=400, description="HNSW search breadth of the vector index (recall vs speed).")

    # embeddings
    embedding_backend: Literal["auto", "sentence-transformers", "bundled"] = "auto"
    embedding_model: str = Field(
        default="intfloat/multilingual-e5-small",
        description="Hub name or local path of a sentence-transformers model.",
    )
    embedding_batch_size: int = 32
    embedding_device: str = "cpu"
    embedding_threads: int = Field(
        default=0, description="CPU threads of the embedding engine; 0 = all cores. Use 1 per process when "
        "several workers share a machine (spinning threads under contention slow queries many-fold).")

    # chunking
    chunk_max_chars: int = Field(default=900, description="Sections longer than this become several chunks.")
    chunk_overlap_chars: int = 150

    # retrieval
    retrieval_mode: Literal["dense", "lexical", "hybrid"] = "hybrid"
    top_k: int = 5
    candidate_k: int = Field(default=80, description="Candidates each retriever contributes before fusion.")
    rrf_k: int = Field(default=10, description="Reciprocal-rank-fusion constant (smaller = top ranks count more).")
    lexical_weight_de: float = Field(default=2.5, description="Weight of BM25 in fusion for German questions.")
    lexical_weight_en: float = Field(default=1.5, description="Weight of BM25 in fusion for English questions.")
    fusion: Literal["rrf", "zscore"] = Field(
        default="rrf", description="How ranked lists are fused: reciprocal rank, or z-normalised scores.")
    query_translation: bool = Field(
        default=True, description="Expand questions with council vocabulary (English -> German, section terms).")
    answer_type_boost: float = Field(
        default=0.6, ge=0.0, description="Hybrid mode: fused-score boost for passages of the answer type the "
        "question asks for (a sum of money for cost questions, a vote for vote questions); 0 turns it off.")

    # answering
    answer_backend: Literal["extractive", "ollama", "openai", "llamacpp"] = "extractive"
    refusal_threshold: float = Field(
        default=0.82, description="Minimum dense similarity of the best passage to answer a German question."
    )
    refusal_threshold_en: float = Field(
        default=0.78, description="The same for English questions (cross-lingual similarities run lower)."
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
    max_pdf_pages: int = Field(
        default=2000, ge=1, description="PDFs with more pages are skipped with a reason (read from the page tree "
        "before any page is parsed).")
    max_chunks_per_document: int = Field(
        default=5000, ge=1, description="Documents that would become more chunks are skipped with a reason.")
    max_parse_seconds: float = Field(
        default=60.0, gt=0, description="Wall time allowed for parsing one file; slower files are skipped.")
    max_nesting_depth: int = Field(
        default=500, ge=1, description="HTML nested deeper than this is skipped before a tree is built.")
    ocr: Literal["auto", "off"] = Field(
        default="auto", description="auto: PDF pages without a text layer are read by tesseract OCR when it is "
        "installed (apt-get install tesseract-ocr tesseract-ocr-deu); off: such pages stay empty.")
    ocr_languages: str = Field(default="deu", description="Tesseract language data for OCR ('deu', 'deu+eng').")
    ocr_max_pages: int = Field(default=50, ge=0, description="At most this many pages of one PDF are read by OCR.")
    pdf_tables: bool = Field(default=True, description="Also index the tables of PDF pages as labelled rows "
                             "('row — column: value'), so an amount keeps its row and column labels (pdfplumber).")

    # ui
    ui_port: int = 8501
    ui_address: str = "127.0.0.1"
    log_level: str = "WARNING"

    # generated answers (answer_backend ollama|openai|llamacpp; see assistant/generation)
    llm_model: str = Field(
        default="", description="Model name on the server (e.g. 'qwen2.5:7b-instruct' for Ollama); for a "
        "llama.cpp server any name works; empty = the GGUF file name or the server's default.")
    llm_base_url: str | None = Field(
        default=None, description="Server URL: OpenAI-compatible (…/v1) for openai and a llamacpp server, "
        "http://host:11434 for ollama; empty = the backend's default (llamacpp: load llm_gguf_path in-process).")
    llm_api_key: SecretStr | None = Field(
        default=None, description="API key for an OpenAI-compatible server; local servers need none.")
    llm_timeout_s: float = Field(default=60.0, description="Seconds to wait for the model before falling back.")
    llm_max_retries: int = Field(default=1, description="Retries of a failed model call (not for unknown models).")
    llm_temperature: float = Field(default=0.0, description="Sampling temperature; 0 keeps answers close to the text.")
    llm_max_tokens: int = Field(default=400, description="Upper bound on the length of a generated answer.")
    llm_gguf_path: Path | None = Field(
        default=None, description="GGUF model file for answer_backend=llamacpp without llm_base_url "
        "(needs the [local-llm] extra).")
    llm_context_tokens: int = Field(default=4096, description="Context window when loading a GGUF in-process.")
    llm_threads: int = Field(default=0, description="CPU threads for a GGUF loaded in-process (0 = llama.cpp's "
                             "default); on a busy machine fewer threads decode faster.")
    llm_passages: int = Field(default=5, description="How many retrieved passages the model sees.")
    llm_passage_chars: int = Field(default=1200, description="Each passage is cut to this many characters.")
    llm_rewrite_queries: bool = Field(
        default=True, description="Rewrite follow-up questions with the LLM (else the heuristic) when an LLM "
        "backend is configured.")
    prompt_version: str = Field(default="v1", description="Version of the prompt files in assistant/prompts.")
    grounding_mode: Literal["drop", "mark"] = Field(
        default="drop", description="Generated sentences that their cited passage does not back: 'drop' them "
        "or 'mark' them as unverified.")

    # OParl sync (ratsinfo sync URL)
    oparl_requests_per_second: float = Field(
        default=4.0, description="Politeness limit: at most this many requests per second to the server.")
    oparl_concurrency: int = Field(default=2, description="Parallel file downloads during an OParl sync.")
    oparl_timeout_s: float = Field(
        default=30.0, description="Timeout of one OParl request (connect and each read).")
    oparl_max_retries: int = Field(
        default=3, description="Retries of an OParl request after a timeout, a connection error, 5xx or 429.")
    oparl_backoff_s: float = Field(
        default=1.0, description="First retry waits this long, then twice as long each time "
        "(a 429's Retry-After wins).")
    oparl_max_file_mb: float = Field(
        default=50.0, description="OParl files above this size are not downloaded.")
    oparl_default_public: bool = Field(
        default=True,
        description="Records from OParl are public unless marked otherwise (OParl publishes the public part of "
        "a council system): papers with public=false and non-public agenda items stay non-public. Set false "
        "for an internal endpoint, so that only what is marked public is shown to citizens.")
    oparl_public_api: bool = Field(
        default=False,
        description="The operator vouches that the OParl endpoint publishes only public records: papers, "
        "meetings and files without a public marker are shown to citizens. Agenda items marked non-public "
        "stay non-public.")

    # staff workbench (ui/): sign-in and feedback
    staff_users: str = Field(
        default="",
        description="Staff accounts as 'name:pbkdf2_sha256$iterations$salt$hash' separated by ';' (make a hash "
        "with `python -m assistant.auth hash-password`). Empty = password sign-in disabled; no default.",
    )
    staff_sso_emails: str = Field(
        default="",
        description="E-mail addresses (comma-separated) that count as staff after an OIDC sign-in through "
        "streamlit's st.login ([auth] in .streamlit/secrets.toml). Empty = no SSO staff.",
    )
    feedback_db: Path | None = Field(
        default=None, description="SQLite file of staff feedback; empty = <data_dir>/feedback.sqlite3."
    )
    sign_in_max_failures: int = Field(
        default=5, ge=1, description="Failed staff sign-ins per account and per client address before a lockout "
        "(counted server-side in the feedback database, across browser sessions).",
    )
    sign_in_lockout_s: float = Field(
        default=30.0, gt=0, description="First lockout in seconds; it doubles with every further failure.",
    )
    sign_in_lockout_max_s: float = Field(
        default=3600.0, gt=0, description="Longest lockout in seconds.",
    )

    # saved searches, feeds and e-mail alerts (ratsinfo alerts run / feeds serve)
    feeds_dir: Path | None = Field(
        default=None, description="Folder of the Atom feeds of saved searches (<token>.xml); empty = "
        "<data_dir>/feeds.")
    feeds_url: str = Field(
        default="http://127.0.0.1:8502", description="Public base URL under which the feeds folder is served "
        "(`ratsinfo feeds serve` or a web server); a feed's URL is <feeds_url>/<token>.xml.")
    feeds_port: int = Field(default=8502, description="Port of `ratsinfo feeds serve`.")
    app_url: str = Field(
        default="http://127.0.0.1:8501", description="Public URL of the chat UI; feed entries of records "
        "without a web address link to its matter page.")
    alert_min_similarity: float = Field(
        default=0.83, description="A new record matches a saved search when one of its passages has at least "
        "this dense similarity to the search (measured on the sample corpus, see README).")
    smtp_host: str = Field(default="", description="SMTP server for alert digests; empty = no e-mail is sent.")
    smtp_port: int = Field(default=25, description="SMTP port (587 with STARTTLS, 25 on a relay).")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_user: str = Field(default="", description="SMTP user name; empty = no login.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_sender: str = Field(default="", description="From address of alert digests; empty = no e-mail is sent.")
    no_answer_link: str = Field(
        default="", description="Shown with answers that find nothing: a link template where to ask instead, "
        "{question} is replaced by the URL-encoded question (e.g. "
        "https://fragdenstaat.de/anfrage-stellen/?subject={question}); empty = off.")

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def feeds_path(self) -> Path:
        return self.feeds_dir if self.feeds_dir is not None and str(self.feeds_dir) not in ("", ".") \
            else self.data_dir / "feeds"


def env_example() -> str:
    """The text of `.env.example`: every field with its description and default (kept in sync by a test)."""
    lines = ["# ratsinfo-assistant settings. Copy to .env and change what you need; every field is optional.",
             "# Generated by `python -m assistant.settings` from assistant/settings.py.", ""]
    for name, field in Settings.model_fields.items():
        if field.description:
            lines.append(f"# {field.description}")
        default = field.default
        value = "" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
        lines.append(f"RATSINFO_{name.upper()}={value}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(env_example(), end="")
