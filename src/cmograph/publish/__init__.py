"""``cmograph publish``: the evaluations as a static linked-data site in which every IRI under the base
dereferences, to HTML for a browser and to Turtle, JSON-LD, N-Triples or RDF/XML for a program.

Modules: ``paths`` (IRIs to files and links), ``licences`` (SPDX ids to licence IRIs), ``graph`` (the data read
for the pages), ``vocabulary`` (the ontology's labels and definitions), ``forms`` (a resource's RDF forms),
``diagram`` (a configuration's context -> mechanism -> outcome picture), ``views`` (what each page shows),
``answers`` (the canned questions answered for an evaluation), ``dataset`` (VoID, DCAT, schema.org and the dumps),
``servers`` (nginx and Apache content negotiation), ``ontology`` (the ontology's documentation),
``class_diagram`` (the ontology's classes and properties as an SVG), ``pages`` (HTML from the templates) and
``site`` (the whole site, written beside the folder and swapped in).

``cmograph export --format nanopub`` is here too: ``nanopub`` (each configuration as a nanopublication),
``trusty`` (trusty URI artifact codes) and ``signing`` (RSA signatures, with the user's key).
"""
