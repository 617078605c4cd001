"""Questions: the catalogue, name resolution, binding, and running on an engine."""
