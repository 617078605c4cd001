"""HTTP: SPARQL endpoints, the Graph Store protocol, credentials, and `serve`."""
