"""Output: answers as tables, CSV/TSV/JSON/Markdown, and RDF exports."""
