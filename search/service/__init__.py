"""The service: requests, queries, answers; the one path for the CLI, the API and the pages.

The web layer and the CLI import from here only.
"""

from search.engine.interface import BuildInProgress, IndexMissing, Limits, RequestError
from search.service.request import MAX_RESULT_WINDOW, SearchRequest
from search.service.searching import SearchService

__all__ = ["BuildInProgress", "IndexMissing", "Limits", "MAX_RESULT_WINDOW", "RequestError",
           "SearchRequest", "SearchService"]
