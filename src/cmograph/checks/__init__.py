"""Checks: structure, shapes, cross-file consistency, and the worker pipeline that runs them."""
