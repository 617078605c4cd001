"""The package's version, written once: the wheel's metadata takes it from here (``pyproject.toml``), and
``cmograph --version`` prints it without reading that metadata (which takes about 100 ms)."""

__version__ = "0.1.0"
