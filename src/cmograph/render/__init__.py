"""Output: answers as a table, CSV, TSV, JSON or Markdown, and exports as RDF; every format is registered once,
in :mod:`cmograph.render.formats`."""
