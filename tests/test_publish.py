"""``cmograph publish``, run for real: the site it writes (every page and RDF form, the dataset's description, the
dumps, the search index, the ontology's page), the data it refuses, and a site written whole or not at all.

The web server and browser checks of the same site are in ``tests/test_publish_web.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from cmograph.cli import main
from cmograph.format.identifiers import doi_iri
from cmograph.format.vocab import CMO
from cmograph.namespaces import DEFAULT_BASE, ONTOLOGY_IRI
from cmograph.publish.class_diagram import Arrow, ClassNode
from cmograph.publish.class_diagram import svg as class_svg
from cmograph.publish.licences import licence_iri
from cmograph.publish.paths import link, site_path
from cmograph.publish.servers import w3id_htaccess
from cmograph.publish.site import Files, write
from cmograph.publish.views import concept_path
from cmograph.source import open_source

BASE = "https://example.org/cmo/"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
VALID = Path(__file__).parent / "data" / "valid"
FORMS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML,
         "jsonld": ox.RdfFormat.JSON_LD}
HOSTILE = "<script>alert('x')</script>"


def run(*args: str | Path, cwd: Path | None = None) -> Result:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(main, ["publish", *map(str, args)], catch_exceptions=False,
                                  env={"SOURCE_DATE_EPOCH": EPOCH})
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example, published under https://example.org/cmo/."""
    folder = tmp_path_factory.mktemp("publish") / "site"
    result = run(folder, "--example", "--base", BASE)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def example_quads() -> list[ox.Quad]:
    store = open_source(example=True, base=BASE).local()
    return [q for q in store  # the graphs of the example's two evaluations
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(BASE)]


def pages(folder: Path) -> list[Path]:
    """The site's pages, without the explorer's (tests/test_explore.py checks it)."""
    return sorted(p for p in folder.rglob("*.html") if p.relative_to(folder).parts[0] != "explorer")


def parse(path: Path, context: bytes) -> set[ox.Triple]:
    """The triples of one RDF file of the site (a JSON-LD file with the site's context put in place of its
    reference, as a JSON-LD processor would fetch it)."""
    suffix = path.suffix[1:]
    data = path.read_bytes()
    if suffix == "jsonld":
        document = json.loads(data)
        assert document["@context"] == BASE + "context.jsonld"
        document["@context"] = json.loads(context)["@context"]
        data = json.dumps(document).encode()
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=FORMS[suffix])}


def canonical(triples: set[ox.Triple]) -> set[ox.Triple]:
    """The triples with each blank node named by what it says (recursively: the blank nodes of the site's and the
    ontology's files are trees), to compare graphs however their blank nodes are labelled."""
    out: dict[ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            out.setdefault(t.subject, []).append(t)

    def name(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.Literal:
        if not isinstance(node, ox.BlankNode):
            return node
        said = sorted(f"{t.predicate} {name(t.object)}" for t in out.get(node, []))
        return ox.NamedNode("urn:blank:" + hashlib.sha256("\n".join(said).encode()).hexdigest())

    return {ox.Triple(name(t.subject), t.predicate, name(t.object)) for t in triples}  # type: ignore[arg-type]


class Links(HTMLParser):
    """The ``href`` and ``src`` of a page, its title, ``lang``, headings, and script and image elements."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.lang: str | None = None
        self.headings: list[int] = []
        self.scripts: list[dict[str, str | None]] = []
        self.images: list[dict[str, str | None]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "html":
            self.lang = found.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "script":
            self.scripts.append(found)
        if tag == "img":
            self.images.append(found)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def read(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --------------------------------------------------------------------------------------------- the site


@pytest.mark.slow
def test_every_resource_under_the_base_has_a_page_and_each_rdf_form(site: Path, example_quads: list[ox.Quad]) -> None:
    subjects = {q.subject.value for q in example_quads
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)}
    assert len(subjects) > 40
    for iri in subjects:
        path = site_path(iri, BASE)
        assert path is not None
        for suffix in ("html", *FORMS):
            assert (site / f"{path}.{suffix}").is_file(), f"{iri}: no {suffix}"


@pytest.mark.slow
def test_each_rdf_form_says_what_the_data_says_about_the_resource(site: Path, example_quads: list[ox.Quad]) -> None:
    context = (site / "context.jsonld").read_bytes()
    data = {ox.Triple(q.subject, q.predicate, q.object) for q in example_quads}
    checked = 0
    for turtle in site.rglob("*.ttl"):
        relative = turtle.relative_to(site).with_suffix("").as_posix()
        if relative in ("index", "ontology") or relative.startswith("concepts/"):  # not under the base
            continue
        iri = BASE + "/".join(quote(s, safe="") for s in relative.split("/"))
        expected = {t for t in data if t.subject.value == iri or t.object == ox.NamedNode(iri)}
        for suffix in FORMS:
            assert parse(turtle.with_suffix(f".{suffix}"), context) == expected, f"{relative}.{suffix}"
        checked += 1
    assert checked > 40


def test_a_configuration_page_reads_as_a_realist_would_read_it(site: Path) -> None:
    page = (site / "clinical-microsystems-nhs/cmoc/cmoc-imposed-targets.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", page)
    assert "Where change comes as an externally derived initiative with imposed targets" in text
    assert '<svg class="cmo-diagram" role="img"' in text and "Mechanism (not triggered)" in text
    assert ("<dt>Mechanism triggered</dt><dd>no: the configuration reports the mechanism NOT being triggered</dd>"
            in text)
    assert '<dt>For whom</dt><dd><a href="../group/staff.html">Clinical microsystem staff' in text
    assert "<dt>Where</dt><dd>not attributed to a site</dd>" in text
    assert '<a href="../../ontology.html#ConfidenceLow">low</a>' in text
    assert "it reports no direct data on such initiatives" in text  # the confidence note
    assert ('Source: <a href="../source/article.html">Clinical microsystems and the NHS: a sustainable method for '
            "improvement? (abstract)</a>, Abstract, Findings") in text
    assert '<a href="../../ontology.html#StanceSupports">supports</a>' in text
    # what names it: the programme theory that includes it
    assert re.search(r'<h2 id="incoming">.*<a href="../theory/t-claims.html">', text)
    for suffix, media_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                               ("nt", "application/n-triples"), ("rdf", "application/rdf+xml")):
        assert f'<link rel="alternate" type="{media_type}" href="cmoc-imposed-targets.{suffix}"' in text
    assert '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</a>' in text
    assert "Generated by cmograph " in text and "from clinical-microsystems-nhs.yaml on 2026-01-01T00:00:00Z" in text


def test_a_triggered_configuration_has_no_not_triggered_mark(site: Path) -> None:
    text = (site / "clinical-microsystems-nhs/cmoc/cmoc-participative-change.html").read_text(encoding="utf-8")
    assert "not triggered" not in text.replace("the mechanism was triggered", "")
    assert "<dt>Mechanism triggered</dt><dd>yes</dd>" in text


def test_an_evaluation_page_lists_its_configurations_and_answers_the_questions_for_it(site: Path) -> None:
    text = (site / "clinical-microsystems-nhs.html").read_text(encoding="utf-8")
    assert text.count('href="clinical-microsystems-nhs/cmoc/') == 8
    assert '<h3 id="q-what-worked">What worked' in text
    assert "<th scope=\"col\">outcome</th>" in text and "Higher staff morale" in text
    assert '<h3 id="q-gaps">' in text and "no patient voice" in text
    assert "No answer" in text or "No " in text  # some questions have no answer for the example (e.g. theory-changes)
    assert 'DOI: <a href="https://doi.org/10.1108/14777260910942597"' in text
    source = (site / "clinical-microsystems-nhs/source/article.html").read_text(encoding="utf-8")
    assert '<a href="https://doi.org/10.1108/14777260910942597" rel="noopener noreferrer">10.1108/' in source


def test_an_author_with_an_orcid_is_linked_by_name_and_the_index_names_the_creators(site: Path) -> None:
    orcid = "https://orcid.org/0000-0002-1825-0097"
    text = (site / "larchfield-follow-up.html").read_text(encoding="utf-8")
    link = f'<a href="{orcid}" rel="noopener noreferrer">Josiah Carberry</a>'
    assert f"by D. Example; {link}" in text or f"by {link}; D. Example" in text
    assert 'DOI: <a href="https://doi.org/10.5555/larchfield-follow-up" rel="noopener noreferrer">10.5555/' in text
    assert text.count(link) == 2  # under the title, and in the table of all it says
    index = (site / "index.html").read_text(encoding="utf-8")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', index, re.DOTALL)
    assert json.loads(block)["creator"] == [{"@type": "Person", "name": "D. Example"},
                                            {"@type": "Person", "@id": orcid, "name": "Josiah Carberry"}]


def test_a_concept_page_lists_its_members_across_evaluations(site: Path) -> None:
    path = concept_path("https://w3id.org/cmograph/concepts/acceptance-of-change", BASE)
    text = (site / f"{path}.html").read_text(encoding="utf-8")
    assert "Change and improvement better received" in text and "Change and improvement less well received" in text
    turtle = parse(site / f"{path}.ttl", b"")
    members = {str(t.subject.value) for t in turtle}
    assert len(turtle) == len(members) == 3
    assert {m.removeprefix(BASE).split("/")[0] for m in members} == {"clinical-microsystems-nhs",
                                                                      "larchfield-follow-up"}


@pytest.mark.slow
def test_every_link_of_every_page_leads_to_a_file_of_the_site(site: Path) -> None:
    broken = []
    for page in pages(site):
        parsed = read(page)
        for url in parsed.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "data"):  # out of the site, or the empty icon
                continue
            target = page.parent / unquote(parts.path) if parts.path else page
            if not target.resolve().is_file():
                broken.append(f"{page.relative_to(site)} -> {url}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in read(target).ids:
                broken.append(f"{page.relative_to(site)} -> {url} (no such anchor)")
    assert broken == []


@pytest.mark.slow
def test_every_page_has_a_title_a_language_and_headings_in_order(site: Path) -> None:
    for page in pages(site):
        parsed = read(page)
        assert parsed.lang == "en", page
        assert parsed.title.strip(), page
        assert parsed.headings[0] == 1 and parsed.headings.count(1) == 1, page
        assert all(b - a <= 1 for a, b in zip(parsed.headings, parsed.headings[1:], strict=False)), page


@pytest.mark.slow
def test_external_links_are_only_to_what_the_data_and_the_ontology_name(site: Path) -> None:
    hosts = {urlsplit(url).hostname for page in pages(site) for url in read(page).urls
             if urlsplit(url).scheme in ("http", "https")}
    # the licence, the DOIs, an author's ORCID, the ontology's alignments, and the example's concept scheme (a
    # namespace it declares)
    assert hosts == {"creativecommons.org", "doi.org", "orcid.org", "purl.obolibrary.org", "humanbehaviourchange.org",
                     "w3id.org"}


def test_the_search_index_names_every_page_with_its_label(site: Path) -> None:
    entries = json.loads((site / "assets/search.json").read_bytes())
    assert len(entries) == len(pages(site)) - 2  # all but the index and the ontology's page
    assert all((site / unquote(e["u"])).is_file() for e in entries)
    morale = [e for e in entries if e["t"] == "Higher staff morale"]
    assert morale == [{"t": "Higher staff morale", "k": "outcome",
                       "u": "clinical-microsystems-nhs/outcome/o-staff-morale.html",
                       "e": "Clinical microsystems and the NHS: a sustainable method for improvement?"}]
    script = (site / "assets/search.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "http" not in script  # results are text; nothing is fetched from elsewhere


# --------------------------------------------------------------------------------------------- the dataset


@pytest.mark.slow
def test_the_dumps_load_into_the_same_graph_as_cmograph_export(site: Path) -> None:
    for fmt, suffix, rdf_format in (("trig", "trig", ox.RdfFormat.TRIG), ("nquads", "nq", ox.RdfFormat.N_QUADS)):
        exported = CliRunner().invoke(main, ["export", "--example", "--base", BASE, "-f", fmt]).stdout_bytes
        dump = (site / f"dumps/dataset.{suffix}").read_bytes()
        assert dump == exported
        assert gzip.decompress((site / f"dumps/dataset.{suffix}.gz").read_bytes()) == dump
        fresh = ox.Store()
        fresh.load(dump, format=rdf_format)
        assert set(fresh) == set(ox.parse(exported, format=rdf_format))
    sums = (site / "dumps/sha256sums.txt").read_text(encoding="utf-8").splitlines()
    assert len(sums) == 4
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((site / "dumps" / name).read_bytes()).hexdigest() == digest


def test_void_and_dcat_describe_the_dataset_at_its_iri(site: Path, example_quads: list[ox.Quad]) -> None:
    store = ox.Store()
    store.load((site / "index.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    prefixes = """PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX spdx: <http://spdx.org/rdf/terms#>"""
    (row,) = store.query(prefixes + f"""SELECT ?triples ?licence ?entities WHERE {{
        <{BASE}> a void:Dataset, dcat:Dataset ; void:triples ?triples ; dcterms:license ?licence ;
                 void:entities ?entities ; void:uriSpace "{BASE}" ;
                 void:vocabulary <{ONTOLOGY_IRI}> ; void:exampleResource <{BASE}clinical-microsystems-nhs> }}""")
    assert int(row["triples"].value) == len(example_quads)
    assert row["licence"] == ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
    assert int(row["entities"].value) == len(json.loads((site / "assets/search.json").read_bytes()))
    subsets = list(store.query(prefixes + f"SELECT ?root WHERE {{ <{BASE}> void:subset [ void:rootResource ?root ] }}"))
    assert sorted(s["root"].value for s in subsets) == [BASE + e for e in ("clinical-microsystems-nhs",
                                                                           "larchfield-follow-up")]
    distributions = list(store.query(prefixes + f"""SELECT ?url ?size ?sum WHERE {{ <{BASE}> dcat:distribution [
        dcat:downloadURL ?url ; dcat:byteSize ?size ; dcat:mediaType ?type ;
        spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum ] ] }}"""))
    assert len(distributions) == 4
    for found in distributions:
        content = (site / found["url"].value[len(BASE):]).read_bytes()
        assert int(found["size"].value) == len(content)
        assert found["sum"].value == hashlib.sha256(content).hexdigest()
    context = (site / "context.jsonld").read_bytes()
    described = canonical(parse(site / "index.ttl", context))  # (a store reads nonNegativeInteger as integer)
    assert len(described) == len(store)
    for suffix in FORMS:
        assert canonical(parse(site / f"index.{suffix}", context)) == described, suffix


def test_the_index_carries_a_schema_org_dataset(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    dataset = json.loads(block)
    assert dataset["@type"] == "Dataset" and dataset["url"] == BASE
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {d["contentUrl"] for d in dataset["distribution"]} == {
        BASE + f"dumps/dataset.{s}" for s in ("trig", "trig.gz", "nq", "nq.gz")}
    assert len(dataset["description"]) >= 50


def test_the_site_comes_with_its_server_configurations(site: Path) -> None:
    nginx = (site / "nginx.conf").read_text(encoding="utf-8")
    assert "try_files $uri$cmograph_rdf" in nginx and "add_header Vary $cmograph_vary always;" in nginx
    apache = (site / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteRule ^([^.]+)$ $1.ttl [L,E=CONNEG:1]" in apache and "Header always merge Vary Accept" in apache
    assert (site / ".cmograph-publish").is_file()


def test_the_w3id_rules_in_the_docs_are_those_cmograph_writes() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "publish.md").read_text(encoding="utf-8")
    assert w3id_htaccess("https://me.github.io/my-review/") in docs


# --------------------------------------------------------------------------------------------- the ontology


def test_the_ontology_page_has_an_anchor_label_and_definition_per_term(site: Path) -> None:
    text = (site / "ontology.html").read_text(encoding="utf-8")
    ids = read(site / "ontology.html").ids
    names = list(CMO.__annotations__)
    assert len(names) > 100
    assert [n for n in names if n not in ids] == []
    heading = '<h3 id="h-Configuration">context-mechanism-outcome configuration <code>cmo:Configuration</code></h3>'
    assert heading in text
    assert "A context-mechanism-outcome configuration (CMOC): the proposition that" in text
    assert 'close match</dt><dd><a href="http://purl.obolibrary.org/obo/SEPIO_0000002"' in text  # an alignment
    domains = re.findall(r"<dt>domain</dt><dd>(.*?)</dd>", text)  # a union is listed, each class a link
    assert any(all(f'<a href="#{c}">{c}</a>' in d for c in ("Context", "Mechanism", "Outcome")) for d in domains)
    assert "https://w3id.org/cmograph/ontology/0.1.0" in text  # the version IRI


@pytest.mark.slow
def test_the_ontology_is_published_in_each_rdf_form(site: Path) -> None:
    context = (site / "context.jsonld").read_bytes()
    original = canonical(parse(site / "ontology.ttl", context))
    assert len(original) > 1000
    for suffix in ("nt", "rdf", "jsonld"):
        assert canonical(parse(site / f"ontology.{suffix}", context)) == original, suffix


SVG = "{http://www.w3.org/2000/svg}"
ONTOLOGY_FILE = Path(__file__).parent.parent / "ontology" / "cmograph.ttl"


def ontology_select(query: str) -> list[tuple[str, ...]]:
    """The rows of a SPARQL query on ontology/cmograph.ttl, as IRIs."""
    store = ox.Store()
    store.load(path=ONTOLOGY_FILE, format=ox.RdfFormat.TURTLE)
    prefixes = """PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX cmo: <https://w3id.org/cmograph/ontology#>"""
    return sorted(tuple(term.value for term in row) for row in store.query(prefixes + query))  # type: ignore[union-attr]


def test_the_ontology_page_shows_its_class_diagram(site: Path) -> None:
    svg = ET.parse(site / "ontology-classes.svg").getroot()  # well-formed XML
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert (svg.findtext(f"{SVG}title") or "").strip() and len(svg.findtext(f"{SVG}desc") or "") > 50
    groups = list(svg.iter(f"{SVG}g"))
    drawn = {g.get("data-class") for g in groups if "class" in (g.get("class") or "").split()}
    classes = {c for (c,) in ontology_select("SELECT ?c { ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(cmo:))) }")}
    assert len(classes) > 20
    assert classes <= drawn  # every class is a box, with the superclasses from other vocabularies
    assert drawn - classes == {f"{ns}{name}" for ns, name in [("http://www.w3.org/2004/02/skos/core#", "Concept"),
                                                              ("http://www.w3.org/ns/prov#", "Entity"),
                                                              ("http://www.w3.org/ns/prov#", "Activity")]}
    arrows = {(g.get("data-property"), g.get("data-source"), g.get("data-target")) for g in groups
              if g.get("class") == "property"}
    member = "{{ ?p rdfs:{0} ?{0} FILTER(isIRI(?{0})) }} UNION {{ ?p rdfs:{0}/owl:unionOf/rdf:rest*/rdf:first ?{0} }}"
    expected = {row for row in ontology_select(f"SELECT ?p ?domain ?range {{ ?p a owl:ObjectProperty . "
                                               f"{member.format('domain')} {member.format('range')} }}")
                if row[1] in classes and row[2] in classes}
    assert len({p for p, _, _ in expected}) > 25
    assert arrows == expected  # an arrow per object property from each class of its domain to each of its range
    subclasses = {(g.get("data-source"), g.get("data-target")) for g in groups if g.get("class") == "subclass"}
    assert subclasses == set(ontology_select("SELECT ?c ?s { ?c a owl:Class ; rdfs:subClassOf ?s FILTER(isIRI(?s)) "
                                             "FILTER(STRSTARTS(STR(?c), STR(cmo:))) }"))
    boxes = [tuple(float(r.get(k) or 0) for k in ("x", "y", "width", "height")) for r in svg.iter(f"{SVG}rect")
             if r.get("rx")]
    assert len(boxes) == len(drawn)
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]  # no box covers another
                if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]]
    page = (site / "ontology.html").read_text(encoding="utf-8")
    images = [i for i in read(site / "ontology.html").images if i.get("src") == "ontology-classes.svg"]
    assert len(images) == 1 and len(images[0].get("alt") or "") > 50
    assert '<a href="ontology-classes.svg">' in page
    assert "<li>context-mechanism-outcome configuration has context context</li>" in page  # the text alternative
    assert "<li>evidence item is a kind of prov:Entity</li>" in page


def test_the_class_diagram_escapes_its_labels_and_draws_cycles_and_loops() -> None:
    nodes = [ClassNode("urn:a", HOSTILE, "cmo:A&B", "ontology.html#A"), ClassNode("urn:b", "b", "cmo:B"),
             ClassNode("urn:c", "alone", "cmo:C"), ClassNode("urn:x", "X", "x:X", external=True)]
    arrows = [Arrow("urn:a", "urn:b", "</text><script>", property="urn:p"), Arrow("urn:b", "urn:a", "back"),
              Arrow("urn:a", "urn:a", "itself"), Arrow("urn:b", "urn:x", subclass=True),
              Arrow("urn:a", "urn:nowhere", "dropped")]
    svg = ET.fromstring(class_svg(nodes, arrows, "T <&>", "D").encode())
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert HOSTILE in texts and "</text><script>" in texts and "cmo:A&B" in texts
    assert svg.findtext(f"{SVG}title") == "T <&>"
    assert [g.get("data-class") for g in svg.iter(f"{SVG}g") if g.get("data-class")] == [n.key for n in nodes]
    assert len([g for g in svg.iter(f"{SVG}g") if g.get("class") in ("property", "subclass")]) == 4  # not "dropped"
    assert not list(svg.iter(f"{SVG}script"))


# --------------------------------------------------------------------------------------------- hostile data


@pytest.mark.slow
def test_labels_quotes_and_ids_are_shown_as_text_never_run(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Minimal made-up evaluation", f'title: "{HOSTILE}"\n  license: CC0-1.0')
    text = text.replace("label: Minimal context", f'label: "{HOSTILE} & </script><!--"')
    text = text.replace("  - id: cmoc-1\n", f'  - id: "cmoc-<b>1"\n    statement: "{HOSTILE}"\n'
                        f'    evidence:\n      - quote: "{HOSTILE}"\n')
    evidence = tmp_path / "hostile.yaml"
    evidence.write_text(text, encoding="utf-8")
    result = run(tmp_path / "site", "--data", evidence, "--base", BASE)
    assert result.exit_code == 0, result.output
    written = pages(tmp_path / "site")
    assert len(written) > 5
    for page in written:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>1" not in html, page
        scripts = read(page).scripts
        assert all(s.get("src") == "assets/search.js" or s.get("type") == "application/ld+json" for s in scripts), page
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL):
            assert HOSTILE in json.loads(block)["name"]  # intact, and unable to end its script element
    configuration = (tmp_path / "site/minimal/cmoc/cmoc-<b>1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in configuration
    index = (tmp_path / "site/minimal.html").read_text(encoding="utf-8")
    assert 'href="minimal/cmoc/cmoc-%3Cb%3E1.html"' in index


@pytest.mark.slow
def test_ids_that_are_not_plain_words_become_file_names_and_encoded_links(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8").replace("id: c-minimal", "id: 'café:1 ?'")
    text = text.replace("context: [c-minimal]", "context: ['café:1 ?']").replace("title:", "license: CC0-1.0\n  title:")
    evidence = tmp_path / "odd.yaml"
    evidence.write_text(text.replace("id: 'café:1 ?'", "id: 'café:1'").replace("['café:1 ?']", "['café:1']"),
                        encoding="utf-8")
    result = run(tmp_path / "site", "--data", evidence, "--base", BASE)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site/minimal/context/café:1.html").is_file()
    configuration = (tmp_path / "site/minimal/cmoc/cmoc-1.html").read_text(encoding="utf-8")
    assert 'href="../context/caf%C3%A9%3A1.html"' in configuration


@pytest.mark.parametrize("iri", [BASE + "e/site/%2E%2E", BASE + "e/site/a%2Fb", BASE + "e//x", BASE + "e/%0A"])
def test_an_iri_that_cannot_be_a_file_path_is_refused(iri: str) -> None:
    with pytest.raises(Exception, match="cannot be a file's path in the site"):
        site_path(iri, BASE)


def test_an_id_that_would_overwrite_the_sites_own_files_is_refused(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8").replace("id: minimal", "id: index")
    evidence = tmp_path / "index.yaml"
    evidence.write_text(text.replace("title:", "license: CC0-1.0\n  title:"), encoding="utf-8")
    result = run(tmp_path / "site", "--data", evidence, "--base", BASE)
    assert result.exit_code == 2
    assert f"error: <{BASE}index> and the dataset's description would both be written to index." in result.output
    assert not (tmp_path / "site").exists()


# --------------------------------------------------------------------------------------------- refusals


@pytest.mark.slow
def test_publishing_under_the_default_base_is_refused_unless_asked(tmp_path: Path) -> None:
    refused = run(tmp_path / "site", "--example")
    assert refused.exit_code == 2
    assert f"error: the data's IRIs are under {DEFAULT_BASE}, cmograph's default" in refused.output
    assert "hint: give the base IRI where you will publish with --base" in refused.output
    assert not (tmp_path / "site").exists()
    preview = run(tmp_path / "site", "--example", "--default-base")
    assert preview.exit_code == 0, preview.output
    assert f"to be served at {DEFAULT_BASE}" in preview.output


@pytest.mark.slow
def test_a_licence_is_required_and_spdx_ids_become_iris(tmp_path: Path) -> None:
    refused = run(tmp_path / "site", "--data", VALID / "minimal.yaml", "--base", BASE)
    assert refused.exit_code == 2
    assert "error: no licence: a published dataset must say how others may reuse it" in refused.output
    assert "hint: give one with --license" in refused.output
    assert not (tmp_path / "site").exists()
    unknown = run(tmp_path / "site", "--data", VALID / "minimal.yaml", "--base", BASE, "--license", "free to use")
    assert unknown.exit_code == 2 and "'free to use' is neither a licence IRI nor an SPDX id" in unknown.output
    ok = run(tmp_path / "site", "--data", VALID / "minimal.yaml", "--base", BASE, "--license", "cc-by-sa-4.0",
             "--title", "My <review>", "--sparql-endpoint", "https://example.org/sparql")
    assert ok.exit_code == 0, ok.output
    described = (tmp_path / "site/index.ttl").read_text(encoding="utf-8")
    assert "dcterms:license <https://creativecommons.org/licenses/by-sa/4.0/>" in described
    assert 'dcterms:title "My <review>"' in described
    assert "void:sparqlEndpoint <https://example.org/sparql>" in described
    assert "<title>My &lt;review&gt; · My &lt;review&gt;</title>" in (tmp_path / "site/index.html").read_text("utf-8")


@pytest.mark.parametrize(("text", "iri"), [
    ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("cc0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    ("https://example.org/licence", "https://example.org/licence"),
])
def test_licence_iris(text: str, iri: str) -> None:
    assert licence_iri(text) == iri


@pytest.mark.slow
def test_a_bad_base_is_refused(tmp_path: Path) -> None:
    for base in ("https://example.org/cmo", "https://example.org/cmo#", "ftp://example.org/cmo/", "cmo/"):
        result = run(tmp_path / "site", "--example", "--base", base)
        assert result.exit_code == 2, base
        assert f"error: the base IRI '{base}' cannot be a site's address" in result.output
    # a store's IRIs are under the base they were loaded with: another base is refused
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["load", str(VALID / "riverside-wards.yaml"), "--store", str(store),
                                     "--base", BASE]).exit_code == 0
    other = run(tmp_path / "site", "--store", store, "--base", "https://example.org/other/")
    assert other.exit_code == 2 and "is not under the base IRI https://example.org/other/" in other.output
    assert f"publish under the base its IRIs have, {BASE}" in other.output
    same = run(tmp_path / "site", "--store", store)  # the base is read from the data
    assert same.exit_code == 0, same.output
    assert (tmp_path / "site/riverside-wards.html").is_file()


@pytest.mark.slow
def test_a_project_is_published_under_its_base(study: Path, tmp_path: Path) -> None:
    (study / "cmograph.toml").write_text(f'base = "{BASE}"\nlicense = "CC-BY-4.0"\n', encoding="utf-8")
    result = run(tmp_path / "site", cwd=study)  # the settings' licence wins over the evaluations' (CC0)
    assert result.exit_code == 0, result.output
    assert "<https://creativecommons.org/licenses/by/4.0/>" in (tmp_path / "site/index.ttl").read_text(encoding="utf-8")
    assert (tmp_path / "site/riverside-wards.html").is_file() and (tmp_path / "site/hillside-review.html").is_file()
    index = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "from hillside-review.json, riverside-wards.yaml on" in index  # file names, never where they are


@pytest.mark.slow
def test_an_existing_folder_is_replaced_only_when_asked_and_only_if_publish_wrote_it(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    assert run(folder, "--example", "--base", BASE).exit_code == 0
    again = run(folder, "--example", "--base", BASE)
    assert again.exit_code == 2 and f"error: {folder} is not empty" in again.output
    assert "hint: add --replace" in again.output
    (folder / "index.html").write_text("old", encoding="utf-8")
    replaced = run(folder, "--example", "--base", BASE, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert (folder / "index.html").read_text(encoding="utf-8") != "old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # nothing left beside it
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("mine", encoding="utf-8")
    refused = run(foreign, "--example", "--base", BASE, "--replace")
    assert refused.exit_code == 2 and "holds files that `cmograph publish` did not write" in refused.output
    assert [p.name for p in foreign.iterdir()] == ["thesis.docx"]
    file = tmp_path / "file.html"
    file.write_text("x", encoding="utf-8")
    assert "is a file, not a folder" in run(file, "--example", "--base", BASE).output


@pytest.mark.slow
def test_a_failed_publish_leaves_the_old_site_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    assert run(folder, "--example", "--base", BASE).exit_code == 0
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    # fails before writing: no licence
    failed = run(folder, "--data", VALID / "minimal.yaml", "--base", BASE, "--replace")
    assert failed.exit_code == 2
    # fails while writing: a file where a folder must go
    broken = Files()
    broken.put("a", b"file", "a file")
    broken.put("a/b.html", b"under it", "another")
    with pytest.raises(OSError):
        write(broken, folder)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_site_is_not_written_into_a_projects_evaluations(study: Path) -> None:
    result = run(study / "evaluations" / "site", "--example", "--base", BASE, cwd=study)
    assert result.exit_code == 2 and "evaluations folder" in result.output


# --------------------------------------------------------------------------------------------- small parts


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("index", "e/cmoc/c1", "e/cmoc/c1.html"),
    ("e/cmoc/c1", "e/context/x", "../context/x.html"),
    ("e/cmoc/c1", "e", "../../e.html"),
    ("e", "e/cmoc/a b", "e/cmoc/a%20b.html"),
    ("e", "e/cmoc/x:y", "e/cmoc/x%3Ay.html"),
])
def test_links_are_relative_and_encoded(source: str, target: str, expected: str) -> None:
    assert link(source, target) == expected
    assert unquote(urljoin(f"http://h/{source}", expected)) == f"http://h/{target}.html"


@pytest.mark.parametrize(("text", "iri"), [
    ("10.1108/147", "https://doi.org/10.1108/147"), ("doi:10.1234/x", "https://doi.org/10.1234/x"),
    ("https://dx.doi.org/10.1234/x", "https://doi.org/10.1234/x"), ("n/a", None)])
def test_dois_become_links(text: str, iri: str | None) -> None:
    assert doi_iri(text) == iri



def test_the_site_holds_the_explorer_and_its_index_links_to_it(site: Path) -> None:
    assert (site / "explorer" / "index.html").is_file() and (site / "explorer" / "data").is_dir()
    assert 'href="explorer/index.html"' in (site / "index.html").read_text(encoding="utf-8")
