"""``axialkg serve``: a read-only SPARQL 1.1 Protocol endpoint plus a small web page.

:mod:`.http` is the HTTP side, :mod:`.workers` the query processes, :mod:`.backend` what they run,
:mod:`.protocol` content negotiation and the service description.
"""

from ..errors import QueryError
from .http import AxialKGServer, ServerConfig, make_server, serve
from .workers import WorkerPool

__all__ = ["AxialKGServer", "QueryError", "ServerConfig", "WorkerPool", "make_server", "serve"]
