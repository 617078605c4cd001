"""The explorer: a web page that asks the canned questions, for people who do not use a terminal.

Modules: ``catalogue`` (the questions as the page shows them), ``command`` (the ``cmograph ask`` line that gives
an answer), ``names`` (names from the data for typing ahead, matched as the command line matches them),
``diagram`` (the configurations of an answer, for its context -> mechanism -> outcome picture), ``answers`` (an
answer as the page reads it, and its downloads), ``app`` (the HTTP paths, as a plain function of a request),
``local`` (the app on a standard-library HTTP server, on 127.0.0.1) and ``static`` (the explorer in a published
site: every answer written beforehand, no server). The page itself is ``assets/`` (HTML, CSS and plain
JavaScript: no framework, nothing fetched from elsewhere).
"""
