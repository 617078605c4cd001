"""``cmograph export --format nanopub``, checked with the nanopub library (https://pypi.org/project/nanopub/): each
configuration a nanopublication whose trusty URI verifies, with its four graphs; the same content keeps its URI, a
change gets a new one that supersedes the old when asked; signatures verify with the key's public half; bad input is
refused clearly. The library checks offline only: nothing here reaches a nanopub server."""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from click.testing import CliRunner, Result
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cmograph.cli import main
from cmograph.publish.trusty import artifact_code, verifies
from cmograph.source import example_path, load_memory

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
VALID = Path(__file__).parent / "data" / "valid"
CMO = "https://w3id.org/cmograph/ontology#"
NP = "http://www.nanopub.org/nschema#"
NPX = "http://purl.org/nanopub/x/"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
EXAMPLE_CONFIGURATIONS = 8
# the library reads a nanopublication with rdflib's ConjunctiveGraph, which rdflib 7 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


def run(*args: str | Path, cwd: Path | None = None, epoch: str | None = EPOCH) -> Result:
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(main, ["export", *map(str, args)], catch_exceptions=False,
                                  env={"SOURCE_DATE_EPOCH": epoch})
    finally:
        os.chdir(old)


@contextmanager
def as_the_library_reads() -> Iterator[None]:
    """rdflib as the nanopub library needs it, literals in their lexical form (``"...Z"^^xsd:dateTime`` is not
    rewritten ``+00:00``); the library sets this for the whole process when imported, so it is put back after each
    check and the other tests see rdflib as it was."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


@pytest.fixture(scope="module")
def library() -> SimpleNamespace:
    """The parts of the nanopub library the checks use."""
    with as_the_library_reads():
        from nanopub import Nanopub
        from nanopub.sign_utils import verify_signature
        from nanopub.trustyuri.rdf import RdfHasher, RdfUtils
        from nanopub.utils import MalformedNanopubError, extract_np_metadata
    return SimpleNamespace(Nanopub=Nanopub, verify_signature=verify_signature, RdfHasher=RdfHasher,
                           RdfUtils=RdfUtils, MalformedNanopubError=MalformedNanopubError,
                           extract_np_metadata=extract_np_metadata)


@dataclass
class Checked:
    """A nanopublication read back: its IRI, its four graphs' quads (as pyoxigraph reads them) by part."""

    iri: str
    graphs: dict[str, list[ox.Quad]]

    def objects(self, part: str, predicate: str, subject: str | None = None) -> list[str]:
        return sorted(q.object.value for q in self.graphs[part]  # type: ignore[union-attr]
                      if q.predicate.value == predicate and (subject is None or q.subject.value == subject))

    @property
    def configuration(self) -> str:
        found = [q.subject.value for q in self.graphs["assertion"]  # type: ignore[union-attr]
                 if q.predicate.value.endswith("#type") and q.object.value == CMO + "Configuration"]
        assert len(found) == 1
        return found[0]


def nanopubs(path: Path) -> list[Checked]:
    """Every nanopublication of a TriG file, by its head."""
    quads = list(ox.parse(path=path, format=ox.RdfFormat.TRIG))
    found = []
    for head in (q for q in quads if q.object == ox.NamedNode(NP + "Nanopublication")):
        named = {p: next(q.object for q in quads if q.graph_name == head.graph_name and q.predicate.value == NP + p)
                 for p in ("hasAssertion", "hasProvenance", "hasPublicationInfo")}
        graphs = {"head": head.graph_name, "assertion": named["hasAssertion"],
                  "provenance": named["hasProvenance"], "pubinfo": named["hasPublicationInfo"]}
        found.append(Checked(head.subject.value,  # type: ignore[union-attr]
                             {part: [q for q in quads if q.graph_name == g] for part, g in graphs.items()}))
    return found


def library_nanopubs(path: Path, library: SimpleNamespace) -> list[Any]:
    """Every nanopublication of a TriG file as the library's ``Nanopub``, each read on its own (the library takes
    one at a time), after checking its structure and trusty URI with the library."""
    found = []
    with as_the_library_reads():
        dataset = rdflib.Dataset()
        dataset.parse(path, format="trig")
        np = rdflib.Namespace(NP)
        for head_iri, _, _, head in dataset.quads((None, rdflib.RDF.type, np.Nanopublication, None)):
            parts = [head.identifier if hasattr(head, "identifier") else head]
            parts += [dataset.graph(parts[0]).value(head_iri, np[p])
                      for p in ("hasAssertion", "hasProvenance", "hasPublicationInfo")]
            single = rdflib.ConjunctiveGraph()
            for part in parts:
                for triple in dataset.graph(part):
                    single.add((*triple, single.get_context(part)))
            nanopub = library.Nanopub(rdf=single)
            assert nanopub.source_uri == str(head_iri)
            assert nanopub.is_valid  # four graphs, none empty, provenance of the assertion, pubinfo of the nanopub
            assert nanopub.has_valid_trusty  # raises MalformedNanopubError if not
            found.append(nanopub)
    return found


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nanopub") / "example.trig"
    result = run("--data", example_path(), "-f", "nanopub", "-o", path)
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {path}: {EXAMPLE_CONFIGURATIONS} nanopublications ({EXAMPLE_CONFIGURATIONS} new)\n"
    return path


@pytest.mark.slow
def test_each_configuration_of_the_example_is_a_nanopublication_the_library_verifies(
        exported: Path, library: SimpleNamespace) -> None:
    checked = library_nanopubs(exported, library)
    assert len(checked) == EXAMPLE_CONFIGURATIONS
    assert all(re.fullmatch(r"https://w3id\.org/cmograph/data/clinical-microsystems-nhs/np/RA[\w-]{43}", n.source_uri)
               for n in checked)
    ours = nanopubs(exported)
    assert len({n.configuration for n in ours}) == EXAMPLE_CONFIGURATIONS
    assert all(verifies([q for g in n.graphs.values() for q in g], n.iri) for n in ours)  # our check agrees


def test_the_graphs_hold_the_configuration_its_evidence_and_the_publication_info(exported: Path) -> None:
    data = "https://w3id.org/cmograph/data/clinical-microsystems-nhs/"
    found = {n.configuration: n for n in nanopubs(exported)}
    nanopub = found[data + "cmoc/cmoc-participative-change"]
    assert {part: nanopub.graphs[part][0].graph_name.value for part in nanopub.graphs} == {  # type: ignore[union-attr]
        "head": nanopub.iri + "#Head", "assertion": nanopub.iri + "#assertion",
        "provenance": nanopub.iri + "#provenance", "pubinfo": nanopub.iri + "#pubinfo"}
    configuration = data + "cmoc/cmoc-participative-change"
    assert nanopub.objects("assertion", CMO + "hasMechanism", configuration) == [
        data + "mechanism/m-democratic-consensual"]
    labels = nanopub.objects("assertion", "http://www.w3.org/2000/01/rdf-schema#label")
    assert "Democratic, consensual approach to change and improvement" in labels  # the mechanism, described
    assert "Pilot clinical microsystem sites in the English NHS" in labels  # the context
    assert "Clinical microsystem staff (teams and individuals)" in labels  # for whom
    assert nanopub.objects("assertion", CMO + "hasEvidence") == []  # the evidence is provenance
    assertion = nanopub.iri + "#assertion"
    assert nanopub.objects("provenance", PROV + "wasDerivedFrom", assertion) == sorted([
        data + "cmoc/cmoc-participative-change/evidence/1", data.rstrip("/")])
    assert nanopub.objects("provenance", PROV + "hadPrimarySource", assertion) == [data + "source/article"]
    assert nanopub.objects("provenance", CMO + "locator") == ["Abstract, Findings"]
    assert nanopub.objects("pubinfo", DCTERMS + "license", nanopub.iri) == [
        "https://creativecommons.org/licenses/by/4.0/"]
    assert nanopub.objects("pubinfo", DCTERMS + "created", nanopub.iri) == ["2026-01-01T00:00:00Z"]
    assert nanopub.objects("pubinfo", "http://www.w3.org/2002/07/owl#versionInfo") == [
        version("cmograph")]
    assert nanopub.objects("pubinfo", DCTERMS + "creator") == []  # none given
    assert nanopub.objects("pubinfo", NPX + "supersedes") == []


@pytest.mark.slow
def test_the_library_refuses_a_nanopublication_changed_after_it_was_made(
        exported: Path, tmp_path: Path, library: SimpleNamespace) -> None:
    text = exported.read_text(encoding="utf-8")
    changed = tmp_path / "changed.trig"
    changed.write_text(text.replace('"Strong data collection"', '"Weak data collection"', 1), encoding="utf-8")
    with pytest.raises(library.MalformedNanopubError, match="is not valid"):
        library_nanopubs(changed, library)
    # nor does cmograph take it as earlier
    refused = run("--data", example_path(), "-f", "nanopub", "--supersede", changed)
    assert refused.exit_code == 2 and "does not match its trusty URI" in refused.output


@pytest.mark.slow
def test_the_same_content_gets_the_same_trusty_uri(exported: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.trig"
    assert run("--data", example_path(), "-f", "nanopub", "-o", again).exit_code == 0
    assert again.read_bytes() == exported.read_bytes()  # SOURCE_DATE_EPOCH: made at the same time, byte for byte
    later = tmp_path / "later.trig"  # made later: the time is in the publication info, so every IRI is new...
    assert run("--data", example_path(), "-f", "nanopub", "-o", later, epoch="1767312000").exit_code == 0
    assert {n.iri for n in nanopubs(later)}.isdisjoint({n.iri for n in nanopubs(exported)})
    kept = tmp_path / "kept.trig"  # ...unless the earlier export is given: nothing changed, so all are kept
    result = run("--data", example_path(), "-f", "nanopub", "-o", kept, "--supersede", exported, epoch="1767312000")
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {kept}: 8 nanopublications (8 unchanged)\n"
    assert kept.read_bytes() == exported.read_bytes()


def edited_example(folder: Path, edit: Any) -> Path:
    """A copy of the example, with ``edit`` applied to its YAML data."""
    data = yaml.safe_load(example_path().read_text(encoding="utf-8"))
    edit(data)
    path = folder / "example.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_changed_configuration_gets_a_new_nanopublication_that_supersedes_the_old(
        exported: Path, tmp_path: Path, library: SimpleNamespace) -> None:
    def relabel(data: dict[str, Any]) -> None:
        mechanism = next(m for m in data["mechanisms"] if m["id"] == "m-strong-data-collection")
        mechanism["label"] = "Strong, routine data collection"

    changed = edited_example(tmp_path, relabel)
    out = tmp_path / "changed.trig"
    result = run("--data", changed, "-f", "nanopub", "-o", out, "--supersede", exported, epoch="1767312000")
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}: 8 nanopublications (7 unchanged, 1 superseding an earlier one)\n"
    before = {n.configuration: n.iri for n in nanopubs(exported)}
    after = {n.configuration: n for n in nanopubs(out)}
    moved = [c for c in before if after[c].iri != before[c]]
    assert moved == ["https://w3id.org/cmograph/data/clinical-microsystems-nhs/cmoc/cmoc-data-collection"]
    newer = after[moved[0]]
    assert newer.objects("pubinfo", NPX + "supersedes", newer.iri) == [before[moved[0]]]
    assert newer.objects("pubinfo", DCTERMS + "created", newer.iri) == ["2026-01-02T00:00:00Z"]
    assert sum(len(n.objects("pubinfo", NPX + "supersedes")) for n in after.values()) == 1
    assert len(library_nanopubs(out, library)) == 8
    plain = run("--data", changed, "-f", "nanopub")  # not asked to supersede: nothing says it does
    assert plain.exit_code == 0 and NPX + "supersedes" not in plain.stdout and "npx:supersedes" not in plain.stdout
    again = tmp_path / "again.trig"  # the file superseding is the earlier export next time: all unchanged
    result = run("--data", changed, "-f", "nanopub", "-o", again, "--supersede", out)
    assert result.output == f"wrote {again}: 8 nanopublications (8 unchanged)\n"
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.slow
def test_an_earlier_file_with_both_versions_supersedes_from_the_latest(exported: Path, tmp_path: Path) -> None:
    def relabel(data: dict[str, Any]) -> None:
        data["outcomes"][0]["label"] += " (relabelled)"

    newer = tmp_path / "newer.trig"
    assert run("--data", edited_example(tmp_path, relabel), "-f", "nanopub", "-o", newer, "--supersede",
               exported).exit_code == 0
    both = tmp_path / "both.trig"  # an archive of every version: the superseded ones are left aside
    both.write_bytes(exported.read_bytes() + b"\n" + newer.read_bytes())
    result = run("--data", edited_example(tmp_path, relabel), "-f", "nanopub", "--supersede", both)
    assert result.exit_code == 0, result.output
    assert {n.iri for n in nanopubs(newer)} == {n.iri for n in _parsed(result.stdout_bytes, tmp_path)}
    twice = tmp_path / "twice.trig"  # two versions, neither superseding the other: which is the latest?
    later = tmp_path / "later.trig"
    assert run("--data", example_path(), "-f", "nanopub", "-o", later, epoch="1767312000").exit_code == 0
    twice.write_bytes(exported.read_bytes() + b"\n" + later.read_bytes())
    refused = run("--data", example_path(), "-f", "nanopub", "--supersede", twice)
    assert refused.exit_code == 2 and "holds more than one nanopublication of" in refused.output


def _parsed(data: bytes, folder: Path) -> list[Checked]:
    path = folder / "stdout.trig"
    path.write_bytes(data)
    return nanopubs(path)


def test_a_configuration_taken_out_is_said_and_not_carried_over(exported: Path, tmp_path: Path) -> None:
    gone = "cmoc-data-collection"

    def remove(data: dict[str, Any]) -> None:
        data["cmocs"] = [c for c in data["cmocs"] if c["id"] != gone]
        for theory in data.get("theories", []):
            theory["cmocs"] = [c for c in theory["cmocs"] if c != gone]
        used = {m for c in data["cmocs"] for m in c["mechanism"]}
        data["mechanisms"] = [m for m in data["mechanisms"] if m["id"] in used]
        outcomes = {o for c in data["cmocs"] for o in c["outcome"]}
        data["outcomes"] = [o for o in data["outcomes"] if o["id"] in outcomes]

    result = run("--data", edited_example(tmp_path, remove), "-f", "nanopub", "--supersede", exported)
    assert result.exit_code == 0, result.output
    old = next(n.iri for n in nanopubs(exported) if n.configuration.endswith("/" + gone))
    assert result.stderr == (f"warning: the configuration <https://w3id.org/cmograph/data/clinical-microsystems-nhs/"
                             f"cmoc/{gone}> is no longer in the data, so its nanopublication <{old}> is not in this "
                             "export (retract it where it was published)\n")
    assert len(_parsed(result.stdout_bytes, tmp_path)) == EXAMPLE_CONFIGURATIONS - 1


def test_creator_and_licence_given_on_the_command_line(tmp_path: Path, library: SimpleNamespace) -> None:
    out = tmp_path / "minimal.trig"
    orcid = "https://orcid.org/0000-0002-1825-0097"
    result = run("--data", VALID / "minimal.yaml", "-f", "nanopub", "--license", "CC0-1.0", "--creator", orcid,
                 "-o", out)
    assert result.exit_code == 0, result.output
    [nanopub] = nanopubs(out)
    assert nanopub.objects("pubinfo", DCTERMS + "creator", nanopub.iri) == [orcid]
    assert nanopub.objects("pubinfo", DCTERMS + "license", nanopub.iri) == [
        "https://creativecommons.org/publicdomain/zero/1.0/"]
    assert len(library_nanopubs(out, library)) == 1


def test_the_study_is_named_by_its_doi_and_an_author_by_orcid_with_type_and_name(
        tmp_path: Path, library: SimpleNamespace) -> None:
    orcid = "https://orcid.org/0000-0002-1825-0097"
    evidence = tmp_path / "minimal.yaml"
    evidence.write_text((VALID / "minimal.yaml").read_text(encoding="utf-8").replace(
        "  title: Minimal made-up evaluation\n", "  title: Minimal made-up evaluation\n  doi: doi:10.5555/minimal\n"
        "  authors: [A. Example, {name: Josiah Carberry, orcid: 0000-0002-1825-0097}]\n"), encoding="utf-8")
    out = tmp_path / "minimal.trig"
    assert run("--data", evidence, "-f", "nanopub", "--license", "CC0-1.0", "-o", out).exit_code == 0
    [nanopub] = nanopubs(out)
    study = "https://w3id.org/cmograph/data/minimal"
    assert nanopub.objects("provenance", CMO + "doi", study) == ["https://doi.org/10.5555/minimal"]
    assert nanopub.objects("provenance", DCTERMS + "creator", study) == ["A. Example", orcid]
    assert nanopub.objects("provenance", "http://www.w3.org/2000/01/rdf-schema#label", orcid) == ["Josiah Carberry"]
    assert nanopub.objects("provenance", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", orcid) == [
        PROV + "Person"]
    assert len(library_nanopubs(out, library)) == 1


@pytest.mark.slow
def test_every_test_evaluation_verifies_measures_and_dates_included(tmp_path: Path, library: SimpleNamespace) -> None:
    out = tmp_path / "valid.trig"
    assert run("--data", VALID, "-f", "nanopub", "--license", "CC-BY-4.0", "-o", out).exit_code == 0
    checked = nanopubs(out)
    configurations = len(list(load_memory([VALID]).query(
        "SELECT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/cmograph/ontology#Configuration> } }")))
    assert len(library_nanopubs(out, library)) == len(checked) == configurations > 10  # one per configuration
    measures = [n for n in checked if n.objects("assertion", CMO + "hasMeasure")]
    assert measures and all(n.objects("assertion", CMO + "value") for n in measures)  # an outcome's measures


@pytest.mark.slow
def test_blank_nodes_get_the_same_names_whatever_the_store_calls_them(
        tmp_path: Path, library: SimpleNamespace) -> None:
    nt = tmp_path / "riverside.nt"
    assert run("--data", VALID / "riverside-wards.yaml", "-f", "nt", "-o", nt).exit_code == 0
    owned = re.compile(r"<https://w3id\.org/cmograph/data/riverside-wards/(?:cmoc|outcome)/([\w-]+)/"
                       r"(evidence|measure)/(\d+)>")
    text = nt.read_text(encoding="utf-8")
    blanked = owned.sub(lambda m: f"_:{m[2]}{m[1].replace('-', '')}x{m[3]}", text)
    assert blanked != text and "/evidence/" not in blanked
    relabelled = "\n".join(reversed(blanked.replace("_:", "_:other").splitlines())) + "\n"
    outs = []
    for name, content in (("a.nt", blanked), ("b.nt", relabelled)):
        (tmp_path / name).write_text(content, encoding="utf-8")
        outs.append(tmp_path / f"{name}.trig")
        result = run("--data", tmp_path / name, "-f", "nanopub", "--license", "CC0-1.0", "-o", outs[-1])
        assert result.exit_code == 0, result.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert b"sub:_1 " in outs[0].read_bytes()  # skolemised in the nanopublication's own namespace
    assert len(library_nanopubs(outs[0], library)) == 10


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """An RSA key as a PEM file, as the nanopub tools' ``id_rsa`` (Base64, no header) and its public half."""
    from Crypto.PublicKey import RSA

    folder = tmp_path_factory.mktemp("keys")
    key = RSA.generate(2048)
    pem, profile, public = folder / "key.pem", folder / "id_rsa", folder / "public.pem"
    pem.write_bytes(key.export_key(pkcs=8))
    profile.write_text(base64.b64encode(key.export_key(format="DER", pkcs=8)).decode() + "\n", encoding="utf-8")
    public.write_bytes(key.publickey().export_key())
    return SimpleNamespace(pem=pem, profile=profile, public=public,
                           der=base64.b64encode(key.publickey().export_key(format="DER")).decode())


def signature_verifies(nanopub: Any, library: SimpleNamespace) -> bool:
    """Whether the nanopublication's signature is that of the text the library signs (its quads, without the
    signature, normalised) by the public key it names. (The library's own ``verify_signature`` ignores a wrong
    signature: pycryptodome's legacy ``PKCS1_v1_5.verify`` returns ``False`` rather than raising.)"""
    from Crypto.Hash import SHA256
    from Crypto.PublicKey import RSA
    from Crypto.Signature import pkcs1_15

    with as_the_library_reads():
        metadata = library.extract_np_metadata(nanopub.rdf)  # as the graph is now
        quads = [q for q in library.RdfUtils.get_quads(nanopub.rdf) if str(q[2]) != NPX + "hasSignature"]
        text = library.RdfHasher.normalize_quads(quads, baseuri=str(metadata.namespace), hashstr=" ")
    key = RSA.import_key(base64.b64decode(str(metadata.public_key)))
    try:
        pkcs1_15.new(key).verify(SHA256.new(text.encode()), base64.b64decode(str(metadata.signature)))
    except ValueError:
        return False
    return True


@pytest.mark.slow
def test_signed_with_the_key_given_in_either_form(
        tmp_path: Path, keys: SimpleNamespace, library: SimpleNamespace) -> None:
    for key in (keys.pem, keys.profile):
        out = tmp_path / f"{key.name}.trig"
        result = run("--data", example_path(), "-f", "nanopub", "--sign-key", key, "-o", out)
        assert result.exit_code == 0, result.output
        signed = library_nanopubs(out, library)
        assert len(signed) == EXAMPLE_CONFIGURATIONS
        for nanopub in signed:
            assert str(nanopub.metadata.public_key) == keys.der and str(nanopub.metadata.algorithm) == "RSA"
            with as_the_library_reads():
                assert library.verify_signature(nanopub.rdf, nanopub.metadata.namespace)
            assert signature_verifies(nanopub, library)
    assert (tmp_path / "key.pem.trig").read_bytes() == (tmp_path / "id_rsa.trig").read_bytes()
    forged = tmp_path / "forged.trig"  # a signature of other content fails (so the check above can fail)
    text = (tmp_path / "key.pem.trig").read_text(encoding="utf-8")
    first = re.search(r'npx:hasSignature "([^"]+)"', text)
    second = re.findall(r'npx:hasSignature "([^"]+)"', text)[1]
    assert first is not None
    forged.write_text(text.replace(first[1], second, 1), encoding="utf-8")
    with pytest.raises(library.MalformedNanopubError):  # the trusty URI covers the signature...
        library_nanopubs(forged, library)
    unsigned = run("--data", example_path(), "-f", "nanopub", "--supersede", tmp_path / "key.pem.trig",
                   "-o", tmp_path / "u.trig")
    assert unsigned.output == f"wrote {tmp_path / 'u.trig'}: 8 nanopublications (8 superseding earlier ones)\n"
    resigned = run("--data", example_path(), "-f", "nanopub", "--supersede", tmp_path / "key.pem.trig", "--sign-key",
                   keys.profile, "-o", tmp_path / "r.trig", epoch="1767312000")  # the same key: unchanged
    assert resigned.output == f"wrote {tmp_path / 'r.trig'}: 8 nanopublications (8 unchanged)\n"


@pytest.mark.slow
def test_a_signature_that_does_not_match_fails_the_check(
        tmp_path: Path, keys: SimpleNamespace, library: SimpleNamespace) -> None:
    out = tmp_path / "signed.trig"
    assert run("--data", example_path(), "-f", "nanopub", "--sign-key", keys.pem, "-o", out).exit_code == 0
    [nanopub, *_] = library_nanopubs(out, library)
    assert signature_verifies(nanopub, library)
    with as_the_library_reads():
        for s, p, o, g in list(nanopub.rdf.quads((None, rdflib.URIRef(NPX + "hasSignature"), None, None))):
            nanopub.rdf.remove((s, p, o, g))
            nanopub.rdf.add((s, p, rdflib.Literal(("B" if str(o)[0] == "A" else "A") + str(o)[1:]), g))
    assert not signature_verifies(nanopub, library)


@pytest.mark.slow
def test_bad_keys_are_refused(tmp_path: Path, keys: SimpleNamespace) -> None:
    out = tmp_path / "out.trig"
    for key, message in ((keys.public, "is a public key: signing needs the private one"),
                         (example_path(), "is not an RSA private key cmograph can read")):
        result = run("--data", example_path(), "-f", "nanopub", "--sign-key", key, "-o", out)
        assert result.exit_code == 2 and message in result.output and "hint: give --sign-key" in result.output
    assert not out.exists()


@pytest.mark.slow
def test_no_configuration_is_said_and_nothing_is_written(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["load", "--store", str(store)]).exit_code == 0  # a store with nothing in it
    out = tmp_path / "none.trig"
    result = run("--store", store, "-f", "nanopub", "-o", out)
    assert result.exit_code == 0 and not out.exists()
    assert result.output == "The data holds no configuration, so no nanopublication was written.\n"
    to_stdout = run("--store", store, "-f", "nanopub")
    assert to_stdout.exit_code == 0 and to_stdout.stdout == ""
    empty = tmp_path / "empty.yaml"  # a file with no configurations does not conform: nothing is exported
    empty.write_text("cmograph: 1\nevaluation:\n  id: empty\n  title: Nothing yet\n  license: CC0-1.0\n"
                     "contexts: []\nmechanisms: []\noutcomes: []\ncmocs: []\n", encoding="utf-8")
    refused = run("--data", empty, "-f", "nanopub", "-o", out)
    assert refused.exit_code == 1 and not out.exists()
    assert "the file has no cmocs; at least one configuration is required" in refused.output
    assert refused.output.endswith("Nothing was loaded or exported.\n")


def test_an_earlier_file_that_is_not_nanopublications_is_refused(exported: Path, tmp_path: Path) -> None:
    turtle = tmp_path / "plain.ttl"
    assert run("--example", "-o", turtle).exit_code == 0
    junk = tmp_path / "junk.trig"
    junk.write_bytes(b"\x7fELF\x00\x01 binary")
    headless = tmp_path / "headless.trig"  # a head that names no graphs
    headless.write_text(f"<https://example.org/np/x> {{ <https://example.org/np/RA> a <{NP}Nanopublication> . }}\n",
                        encoding="utf-8")
    cases = [(example_path(), "is not a TriG file of nanopublications"),
             (junk, "is not a TriG file of nanopublications"),
             (turtle, "holds no nanopublication of a configuration"),
             (headless, "lacks an assertion, provenance or publication info graph")]
    out = tmp_path / "out.trig"
    for path, message in cases:
        result = run("--data", example_path(), "-f", "nanopub", "--supersede", path, "-o", out)
        assert result.exit_code == 2, (path, result.output)
        assert f"error: {path}" in result.output and message in result.output, result.output
        assert "hint: give --supersede a file that `cmograph export --format nanopub` wrote" in result.output
        assert "Traceback" not in result.output
    assert not out.exists()
    missing = run("--data", example_path(), "-f", "nanopub", "--supersede", tmp_path / "nope.trig")
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_usage_errors(tmp_path: Path) -> None:
    cases = [(["--example", "-f", "trig", "--supersede", example_path()], "--supersede is for nanopublications"),
             (["--example", "--creator", "https://orcid.org/0000-0002-1825-0097"], "--creator is for nanopub"),
             (["--example", "-f", "nanopub", "--creator", "Jane Doe"], "--creator: 'Jane Doe' is not an http(s) IRI"),
             (["--example", "-f", "nanopub", "-e", "nope"], "no evaluation 'nope' in the data"),
             (["--data", VALID / "minimal.yaml", "-f", "nanopub"], "the evaluation 'minimal' has no licence"),
             (["--example", "-f", "nanopub", "--license", "not a licence"], "is neither a licence IRI nor an SPDX id")]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)


@pytest.mark.slow
def test_the_project_licence_is_the_fallback(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert CliRunner().invoke(main, ["init", str(project)]).exit_code == 0
    (project / "evaluations" / "my-evaluation.yaml").unlink()
    shutil.copy(VALID / "minimal.yaml", project / "evaluations")
    (project / "cmograph.toml").write_text('license = "CC0-1.0"\n', encoding="utf-8")
    result = run("-f", "nanopub", "-o", tmp_path / "p.trig", cwd=project)
    assert result.exit_code == 0, result.output
    [nanopub] = nanopubs(tmp_path / "p.trig")
    assert nanopub.objects("pubinfo", DCTERMS + "license") == ["https://creativecommons.org/publicdomain/zero/1.0/"]


# characters where the rules differ: escaped ones, one above the 16-bit range and one just below it (code point
# order, not UTF-16's), a space (the blank the artifact code is hashed as), and any other
EDGES = st.sampled_from(["a", "B", "\n", "\\", "\r", " ", "é", "\ufffd", "\U0001f600"])
TEXT = st.text(EDGES | st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
# the end of an IRI: under the nanopublication's own (``#`` and a fragment) or elsewhere
IRI_TEXT = st.tuples(st.sampled_from(["#", ""]), st.text(st.sampled_from(["a", "Z", "é", "\uffe0", "\U0001f600",
                                                                         "~"]), max_size=4)).map("".join)
KINDS = st.sampled_from(["", "en", "EN-gb", "^own", "^str"])
NAME = "https://example.org/np/RA" + "A" * 43


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.tuples(TEXT, KINDS, IRI_TEXT, st.booleans()), min_size=1, max_size=8))
@example(values=[("x", "en", "", True), ("x", "^own", "", True), ("x", "", "", True), ("a\nb\\", "", "", False),
                 ("\ufffd", "", "\uffe0", False), ("\U0001f600", "", "\U0001f600", False)])
def test_the_artifact_code_is_the_librarys(library: SimpleNamespace, values: list[tuple[str, str, str, bool]]) -> None:
    """The artifact code of any literals (plain, with a language or typed) and IRIs, which the nanopublication's
    own IRIs (``this``, ``this#...``) among them, is the one the nanopub library computes: the same text (escapes,
    the code as a blank) in the same order (IRIs before literals, literals by text, datatype, language)."""
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"
    quads, theirs = [], []
    for text, kind, tail, own in values:
        subject = NAME + "#s" if own else "https://example.org/s"
        obj: ox.NamedNode | ox.Literal
        if kind.startswith("^"):
            datatype = "https://example.org/datatype" if kind == "^own" else xsd_string
            obj, other = ox.Literal(text, datatype=ox.NamedNode(datatype)), rdflib.Literal(
                text, datatype=rdflib.URIRef(datatype), normalize=False)
        elif kind:
            obj = ox.Literal(text, language=kind)  # the tag in lower case, as the TriG file has it for the library
            other = rdflib.Literal(text, lang=obj.language, normalize=False)
        else:
            obj, other = ox.Literal(text), rdflib.Literal(text, normalize=False)
        # (not ``this#`` alone, which the library hashes as ``this``, where the specification keeps the ``#``)
        target = NAME + tail if len(tail) > 1 and tail[0] == "#" else "https://example.org/o/" + tail.lstrip("#")
        for ours, lib in ((obj, other), (ox.NamedNode(target), rdflib.URIRef(target))):
            quads.append(ox.Quad(ox.NamedNode(subject), ox.NamedNode("https://example.org/p"), ours,
                                 ox.NamedNode(NAME + "#assertion")))
            theirs.append((rdflib.URIRef(NAME + "#assertion"), rdflib.URIRef(subject),
                           rdflib.URIRef("https://example.org/p"), lib))
    with as_the_library_reads():
        expected = library.RdfHasher.make_hash(theirs, baseuri=NAME + "#", hashstr=" ")
    assert artifact_code(quads, NAME, "RA" + "A" * 43) == expected


def test_rdflib_is_left_as_it_was(library: SimpleNamespace) -> None:
    """The library, once imported, would have rdflib keep every literal's lexical form in every later test."""
    assert rdflib.NORMALIZE_LITERALS is True
    assert str(rdflib.Literal("01", datatype=rdflib.XSD.integer)) == "1"


# --------------------------------------------------------------------------------------------- in a published site

SITE_BASE = "https://example.org/cmo/"


def publish(*args: str | Path, epoch: str = EPOCH) -> Result:
    return CliRunner().invoke(main, ["publish", *map(str, args)], catch_exceptions=False,
                              env={"SOURCE_DATE_EPOCH": epoch})


def site_file(site: Path, iri: str, suffix: str) -> Path:
    assert iri.startswith(SITE_BASE)
    return site / f"{iri[len(SITE_BASE):]}.{suffix}"


@pytest.mark.slow
def test_a_site_published_with_nanopubs_serves_each_at_its_iri(
        tmp_path: Path, keys: SimpleNamespace, library: SimpleNamespace) -> None:
    creator = "https://orcid.org/0000-0002-1825-0097"
    options = ["--base", SITE_BASE, "--license", "CC0-1.0", "--creator", creator, "--sign-key", keys.pem]
    result = publish(tmp_path / "site", "--example", "--nanopubs", *options)
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert result.output.endswith(f"\nwith {len(list(site.glob('*/cmoc/*.html')))} nanopublications (14 new)\n")
    export = run("--example", "-f", "nanopub", "-o", tmp_path / "export.trig", *options)  # the same nanopublications
    assert export.exit_code == 0, export.output
    assert (site / "dumps/nanopubs.trig").read_bytes() == (tmp_path / "export.trig").read_bytes()
    published = nanopubs(site / "dumps/nanopubs.trig")
    configurations = len(list(site.glob("*/cmoc/*.html")))  # the example and its follow-up
    assert configurations > EXAMPLE_CONFIGURATIONS
    assert sorted(n.configuration for n in published) == sorted(
        SITE_BASE + p.relative_to(site).with_suffix("").as_posix() for p in site.glob("*/cmoc/*.html"))
    for nanopub in published:
        assert re.fullmatch(r"https://example\.org/cmo/[\w-]+/np/RA[\w-]{43}", nanopub.iri)  # under the base
        trig = site_file(site, nanopub.iri, "trig")
        [alone] = library_nanopubs(trig, library)  # each file is one nanopublication, whose trusty URI verifies
        assert alone.source_uri == nanopub.iri and signature_verifies(alone, library)
        assert str(alone.metadata.public_key) == keys.der
        assert nanopub.objects("pubinfo", DCTERMS + "creator", nanopub.iri) == [creator]
        assert set(ox.parse(path=site_file(site, nanopub.iri, "nq"), format=ox.RdfFormat.N_QUADS)) == set(
            ox.parse(path=trig, format=ox.RdfFormat.TRIG))
        page = site_file(site, nanopub.iri, "html").read_text(encoding="utf-8")
        configuration = site_file(site, nanopub.configuration, "html")
        assert f'href="{os.path.relpath(configuration, trig.parent)}"' in page  # it links what it states...
        assert '<code>sub:assertion</code>' in page and 'type="application/trig"' in page
        assert f'href="{os.path.relpath(trig.with_suffix(".html"), configuration.parent)}">{nanopub.iri}</a>' in (
            configuration.read_text(encoding="utf-8"))  # ...which links it back
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="dumps/nanopubs.trig" type="application/trig">' in index

    plain = publish(tmp_path / "plain", "--example", "--base", SITE_BASE, "--license", "CC0-1.0")
    assert plain.exit_code == 0, plain.output
    files = {p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*") if p.is_file()}
    more = {p.relative_to(site) for p in site.rglob("*") if p.is_file()} - files
    assert files <= {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    assert sorted({p.suffix for p in more}) == [".html", ".nq", ".trig"]
    assert len(more) == 3 * configurations + 1  # and dumps/nanopubs.trig
    assert not any("anopub" in (tmp_path / "plain" / p).read_text(encoding="utf-8") for p in files
                   if p.suffix in (".html", ".ttl", ".trig"))  # without --nanopubs, none is named anywhere


def latest_in(path: Path) -> dict[str, Checked]:
    """The nanopublications of a file that none in it supersedes, by configuration."""
    found = nanopubs(path)
    superseded = {iri for n in found for iri in n.objects("pubinfo", NPX + "supersedes")}
    return {n.configuration: n for n in found if n.iri not in superseded}


@pytest.mark.slow
def test_a_site_published_again_supersedes_and_keeps_the_old_nanopublication(tmp_path: Path) -> None:
    first = publish(tmp_path / "first", "--data", example_path(), "--nanopubs", "--base", SITE_BASE, "--license",
                    "CC0-1.0")
    assert first.exit_code == 0, first.output
    earlier = {n.configuration: n.iri for n in nanopubs(tmp_path / "first/dumps/nanopubs.trig")}

    def relabel(data: dict[str, Any]) -> None:
        mechanism = next(m for m in data["mechanisms"] if m["id"] == "m-strong-data-collection")
        mechanism["label"] = "Strong, routine data collection"

    changed = edited_example(tmp_path, relabel)
    result = publish(tmp_path / "second", "--data", changed, "--nanopubs", "--base", SITE_BASE, "--license",
                     "CC0-1.0", "--supersede", tmp_path / "first/dumps/nanopubs.trig", epoch="1767312000")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("\nwith 8 nanopublications (7 unchanged, 1 superseding an earlier one)\n")
    second = tmp_path / "second"
    after = latest_in(second / "dumps/nanopubs.trig")
    moved = [c for c in earlier if after[c].iri != earlier[c]]
    assert moved == [SITE_BASE + "clinical-microsystems-nhs/cmoc/cmoc-data-collection"]
    newer, old = after[moved[0]], earlier[moved[0]]
    assert newer.objects("pubinfo", NPX + "supersedes", newer.iri) == [old]
    assert site_file(second, old, "trig").read_bytes() == site_file(tmp_path / "first", old, "trig").read_bytes()
    old_page = site_file(second, old, "html").read_text(encoding="utf-8")
    assert f"<dt>Superseded by</dt><dd><a href=\"{newer.iri.rsplit('/', 1)[1]}.html\">{newer.iri}</a>" in old_page
    assert all(site_file(second, iri, "trig").is_file() for iri in earlier.values())  # the unchanged are kept

    def relabel_again(data: dict[str, Any]) -> None:
        relabel(data)
        mechanism = next(m for m in data["mechanisms"] if m["id"] == "m-strong-data-collection")
        mechanism["label"] = "Strong, routine and timely data collection"

    result = publish(tmp_path / "third", "--data", edited_example(tmp_path, relabel_again), "--nanopubs", "--base",
                     SITE_BASE, "--license", "CC0-1.0", "--supersede", second / "dumps/nanopubs.trig")
    assert result.exit_code == 0, result.output
    third = tmp_path / "third"
    latest = {c: n.iri for c, n in latest_in(third / "dumps/nanopubs.trig").items()}
    assert latest[moved[0]] not in (old, newer.iri)
    for iri, by in ((old, newer.iri), (newer.iri, latest[moved[0]])):  # the whole history still answers
        page = site_file(third, iri, "html").read_text(encoding="utf-8")
        assert f"<dt>Superseded by</dt><dd><a href=\"{by.rsplit('/', 1)[1]}.html\">{by}</a>" in page
    assert len(nanopubs(third / "dumps/nanopubs.trig")) == 8 + 2


def test_nanopub_options_of_publish_need_nanopubs_and_are_checked_first(tmp_path: Path) -> None:
    result = publish(tmp_path / "site", "--example", "--base", SITE_BASE, "--creator", "https://orcid.org/x")
    assert result.exit_code == 2 and "--creator is for nanopublications" in result.output
    assert "add --nanopubs" in result.output
    result = publish(tmp_path / "site", "--example", "--base", SITE_BASE, "--nanopubs", "--creator", "me")
    assert result.exit_code == 2 and "--creator: 'me' is not an http(s) IRI" in result.output
    assert not (tmp_path / "site").exists()
