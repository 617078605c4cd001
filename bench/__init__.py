"""Benchmarks: a generator of synthetic evidence files (``bench.generate``) and a runner (``bench.run``)."""
