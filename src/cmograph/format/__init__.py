"""The evidence format: the model (the one source), its vocabulary, and what is generated from it."""
