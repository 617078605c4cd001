"""HTTP: SPARQL endpoints, the Graph Store protocol, credentials, and `serve`."""

import sys

# httpx imports its command-line client (with rich and pygments) whenever they are installed, as they are here:
# 60-100 ms of every process that talks to a server. Marking it absent makes httpx skip it (its own fallback).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
