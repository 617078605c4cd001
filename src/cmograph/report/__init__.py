"""``cmograph report``: a synthesis report of the data, as one self-contained HTML file or as Markdown, with its
figures also written as SVG and PNG files.

:mod:`~cmograph.report.collect` gathers what the report shows (asking the canned questions and a few queries of its
own), :mod:`~cmograph.report.figures` draws the evidence map and the context-mechanism-outcome diagrams,
:mod:`~cmograph.report.rameses` says which RAMESES II items the data can support, and
:mod:`~cmograph.report.write` renders and writes it all.
"""
