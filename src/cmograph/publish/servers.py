"""Content negotiation for the site: an nginx snippet and an Apache ``.htaccess`` that answer a resource's IRI
with its HTML page for a browser and with its Turtle, JSON-LD, N-Triples or RDF/XML for a program asking for
that media type (a nanopublication, with its TriG or N-Quads), with the right ``Content-Type`` and
``Vary: Accept``.

Both follow the server's order of preference, not the client's q-values: an ``Accept`` header naming an RDF type
gets that form where the resource has it (browsers never name one), one naming HTML, ``*/*`` or ``text/*`` (or
none) gets HTML, and any other gets ``406 Not Acceptable`` where the resource exists in some form.
"""

from __future__ import annotations

from cmograph.publish.paths import QUAD_FORMS, RDF_FORMS

# file suffix -> media type, for every file the site holds
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html",
    **{form.suffix: form.media_type for form in RDF_FORMS},
    "trig": "application/trig",
    "nq": "application/n-quads",
    "gz": "application/gzip",
    "css": "text/css",
    "js": "text/javascript",
    "json": "application/json",
    "svg": "image/svg+xml",
    "txt": "text/plain",
}
TEXT_TYPES = sorted({t for t in MEDIA_TYPES.values() if t != "application/gzip" and t != "text/html"})
# Accept patterns (extended regular expressions) -> suffix, most preferred first
RDF_ACCEPT = (
    (r"text/turtle|application/x-turtle", "ttl"),
    (r"application/ld\+json", "jsonld"),
    (r"application/n-triples", "nt"),
    (r"application/rdf\+xml", "rdf"),
)
# the same for named graphs (nanopublications)
QUAD_ACCEPT = (
    (r"application/trig", "trig"),
    (r"application/n-quads", "nq"),
)
EXISTING = ("html", *(f.suffix for f in RDF_FORMS), *(f.suffix for f in QUAD_FORMS))  # a resource's files
HTML_ACCEPT = r"text/html|application/xhtml\+xml|(^|,)\s*\*/\*|(^|,)\s*text/\*"


def nginx_conf() -> str:
    """``nginx.conf`` of the site: to ``include`` inside a ``server { }`` block whose ``root`` is the site."""
    types = "\n".join(f"    {media_type} {suffix};" for suffix, media_type in MEDIA_TYPES.items())
    # `if` blocks that only `set` are safe at server level; the last that matches wins, so least preferred first
    ifs = "\n".join(f'if ($http_accept ~* "{pattern}") {{ set ${variable} .{suffix}; }}'
                    for variable, choices in (("cmograph_rdf", RDF_ACCEPT), ("cmograph_quads", QUAD_ACCEPT))
                    for pattern, suffix in reversed(choices))
    exists = "\n".join(f"    if (-f $document_root$uri.{suffix}) {{ return 406; }}" for suffix in EXISTING)
    return f"""# Written by `cmograph publish`: content negotiation for this site.
# Include it inside a server {{ }} block whose root is this folder, for instance:
#   server {{ listen 80; server_name example.org; root /srv/site; include /srv/site/nginx.conf; }}
# A path without a suffix is answered with the form the Accept header asks for, in this order of preference:
# Turtle, JSON-LD, N-Triples, RDF/XML, TriG, N-Quads (the forms a nanopublication has), then HTML (for browsers,
# */*, text/* or no Accept header); any other type gets 406 Not Acceptable. A path with a suffix (/a/b.ttl) is
# served as it is.

index index.html;
charset utf-8;
charset_types {" ".join(TEXT_TYPES)};
types {{
{types}
}}
default_type application/octet-stream;

set $cmograph_rdf "";
set $cmograph_quads "";
set $cmograph_html "";
if ($http_accept = "") {{ set $cmograph_html .html; }}
if ($http_accept ~* "{HTML_ACCEPT}") {{ set $cmograph_html .html; }}
{ifs}

# Vary: Accept where the answer was negotiated (an empty value sends no header)
set $cmograph_vary Accept;
if ($request_uri ~ "^[^?]*\\.[A-Za-z0-9]+(\\?.*)?$") {{ set $cmograph_vary ""; }}

location / {{
    add_header Vary $cmograph_vary always;
    try_files $uri$cmograph_rdf $uri/index$cmograph_rdf $uri$cmograph_quads $uri$cmograph_html
              $uri/index$cmograph_html $uri @cmograph_not_acceptable;
}}

# nothing in the form asked for: 406 if the resource exists in another form, else 404
location @cmograph_not_acceptable {{
    add_header Vary Accept always;
{exists}
    if (-f $document_root$uri/index.html) {{ return 406; }}
    return 404;
}}
"""


def htaccess() -> str:
    """``.htaccess`` of the site, for Apache 2.4 serving the site's folder itself (``mod_rewrite``,
    ``mod_headers`` and ``AllowOverride FileInfo Indexes Options=MultiViews``)."""
    add_types = "\n".join(f"AddType {media_type} .{suffix}" for suffix, media_type in MEDIA_TYPES.items())
    suffixes = " ".join(f".{s}" for s in MEDIA_TYPES if s not in ("gz",))
    rules = []
    for pattern, suffix in (*RDF_ACCEPT, *QUAD_ACCEPT):
        index = f"RewriteCond %{{HTTP_ACCEPT}} {pattern}\nRewriteRule ^$ index.{suffix} [L,E=CONNEG:1]\n\n"
        rules.append(f"""{index if (pattern, suffix) in RDF_ACCEPT else ""}RewriteCond %{{HTTP_ACCEPT}} {pattern}
RewriteCond %{{REQUEST_FILENAME}}.{suffix} -f
RewriteRule ^([^.]+)$ $1.{suffix} [L,E=CONNEG:1]
""")
    forms = " [OR]\n".join(f"RewriteCond %{{REQUEST_FILENAME}}.{suffix} -f" for suffix in EXISTING)
    return f"""# Written by `cmograph publish`: content negotiation for this site on Apache 2.4 (as nginx.conf does).
# Needs mod_rewrite, mod_headers, mod_mime and "AllowOverride FileInfo Indexes Options=MultiViews".
# A path without a suffix is answered with the form the Accept header asks for, in this order of preference:
# Turtle, JSON-LD, N-Triples, RDF/XML, TriG, N-Quads, then HTML; any other type gets 406 Not Acceptable.
Options -MultiViews
DirectoryIndex index.html
DirectorySlash Off
{add_types}
AddCharset utf-8 {suffixes}

RewriteEngine On

{chr(10).join(rules)}
RewriteCond %{{HTTP_ACCEPT}} {HTML_ACCEPT} [OR]
RewriteCond %{{HTTP_ACCEPT}} ^$
RewriteRule ^[^.]*$ - [E=CONNEG_HTML:1]

RewriteCond %{{ENV:CONNEG_HTML}} =1
RewriteRule ^$ index.html [L,E=CONNEG:1]

RewriteCond %{{ENV:CONNEG_HTML}} =1
RewriteCond %{{REQUEST_FILENAME}}.html -f
RewriteRule ^([^.]+)$ $1.html [L,E=CONNEG:1]

# nothing in the form asked for: 406 if the resource exists in another form
RewriteCond %{{ENV:REDIRECT_CONNEG}} !=1
RewriteCond %{{REQUEST_FILENAME}} !-f
{forms} [OR]
RewriteCond %{{REQUEST_FILENAME}}/index.html -f
RewriteRule ^ - [R=406,L]

# Vary: Accept on every answer to a path without a suffix
<If "%{{THE_REQUEST}} !~ m#^\\S+ [^?\\s]*\\.[A-Za-z0-9]+(\\?\\S*)? #">
    Header always merge Vary Accept
</If>
"""


def w3id_htaccess(site: str) -> str:
    """The ``.htaccess`` to file in the w3id.org repository for a base IRI there: it redirects (303 See Other)
    each IRI to the file of the form asked for on ``site``, the address the site is served at."""
    target = site.rstrip("/")
    rules = "\n\n".join(f"RewriteCond %{{HTTP_ACCEPT}} {pattern}\nRewriteRule ^(.+?)/?$ {target}/$1.{suffix} [R=303,L]"
                        for pattern, suffix in RDF_ACCEPT)
    return f"""# For the w3id.org repository (https://github.com/perma-id/w3id.org): the folder of your namespace.
# Redirects each IRI to the form the Accept header asks for on {target}/ (Turtle, JSON-LD, N-Triples, RDF/XML,
# else HTML); a path with a suffix is passed on as it is.
Options +FollowSymLinks
Options -MultiViews
RewriteEngine on
Header always merge Vary Accept

RewriteRule ^$ {target}/ [R=303,L]
RewriteRule ^(.+\\.[A-Za-z0-9]+)$ {target}/$1 [R=302,L]

{rules}

RewriteCond %{{HTTP_ACCEPT}} {HTML_ACCEPT} [OR]
RewriteCond %{{HTTP_ACCEPT}} ^$
RewriteRule ^(.+?)/?$ {target}/$1.html [R=303,L]

RewriteRule ^ - [R=406,L]
"""
