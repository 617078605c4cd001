"""``cmograph match``: propose which elements of different evaluations are the same thing (lexical matching, and
semantic similarity when the ``match`` extra is installed), as an SSSOM mapping set for a team to review, and write
the mappings it kept into the project's concept scheme."""
