"""The retriever as a langchain-core ``BaseRetriever``: the one adapter between our Hits and LangChain."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.models import Hit, SearchFilters


def hit_to_document(hit: Hit) -> Document:
    c = hit.chunk
    metadata: dict[str, Any] = {
        "chunk_id": c.chunk_id, "document_id": c.document_id, "source": c.source, "source_path": c.source_path,
        "title": c.title, "section": c.section, "section_path": list(c.section_path), "page": c.page,
        "reference": c.reference, "document_type": c.document_type, "date": c.date, "body": c.body,
        "public": c.public, "rank": hit.rank, "score": hit.score, **{f"score_{k}": v for k, v in hit.scores.items()},
    }
    return Document(page_content=c.text, metadata=metadata, id=c.chunk_id)


class CouncilRetriever(BaseRetriever):
    """``retriever.invoke("question")`` -> LangChain Documents carrying our citation metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any
    k: int = 5
    filters: SearchFilters = SearchFilters()
    mode: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        hits = self.assistant.search(query, k=self.k, filters=self.filters, mode=self.mode)
        return [hit_to_document(h) for h in hits]
