"""facebook-sdk at our boundary: imported safely, and typed as far as the Facebook connector uses it.

facebook-sdk 3.1.0 ships no types (pyproject sets it to ``ignore_missing_imports``)
and has a non-raw regex string (``"^\\d\\.\\d{1,2}$"``) in ``facebook/__init__.py``: a
DeprecationWarning/SyntaxWarning when compiled, an error under ``-W error``. Every
module of ours imports it from here. ``Graph`` is the part of ``GraphAPI`` we call;
each call answers Graph's parsed JSON.
"""

from __future__ import annotations

import warnings
from typing import IO, Any, Protocol

import requests

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import facebook

__all__ = ["Graph", "error_facts", "graph_api"]

Json = dict[str, Any]


class Graph(Protocol):
    """The ``facebook.GraphAPI`` methods the connector calls (facebook-sdk 3.1.0)."""

    version: str
    session: requests.Session

    def get_object(self, id: str, **args: Any) -> Json: ...

    def get_objects(self, ids: list[str], **args: Any) -> Json: ...

    def get_connections(self, id: str, connection_name: str, **args: Any) -> Json: ...

    def put_object(self, parent_object: str, connection_name: str, **data: Any) -> Json: ...

    def put_photo(self, image: IO[bytes], album_path: str = "me/photos", **kwargs: Any) -> Json: ...

    def delete_object(self, id: str) -> Any: ...


def graph_api(access_token: str, session: requests.Session, version: str) -> Graph:
    """A ``GraphAPI`` on ``session`` calling ``version``.

    Built without ``version`` and given it afterwards: the constructor rejects
    every version newer than the ones facebook-sdk knew (decision 0004).
    """
    graph: Graph = facebook.GraphAPI(access_token=access_token, session=session)
    graph.version = version
    return graph


def error_facts(exc: BaseException) -> tuple[tuple[Any, ...], str]:
    """Graph's error code and subcode, and its message, when ``exc`` is a ``GraphAPIError``.

    ``GraphAPIError.result`` is Graph's parsed answer (``{"error": {"code": ..., "error_subcode": ...}}``).
    """
    if not isinstance(exc, facebook.GraphAPIError):
        return (), ""
    codes: tuple[Any, ...] = ()
    error = exc.result.get("error") if isinstance(exc.result, dict) else None
    if isinstance(error, dict):
        codes = tuple(c for c in (error.get("code"), error.get("error_subcode")) if c is not None)
    return codes, exc.message if isinstance(exc.message, str) else ""
