"""A REFI-QDA project (``.qdpx``, exported by NVivo, ATLAS.ti, MAXQDA and others) as evidence.

- Codes in context, mechanism and outcome groups become elements, and the codes under a CMOC group become
  configurations (:mod:`cmograph.ingest.importers.codegroups`).
- Coded passages become evidence items: the quote (the passage's text), its source, a locator (lines and
  characters, as cmograph counts them: :mod:`cmograph.ingest.transcripts`), the informant (from the project's
  cases, variables or ``key: value`` sets) and the passage's comment as the summary.
- Passages of one source that overlap (or one passage coded several times) are one passage: when its codes
  hold a context, a mechanism and an outcome, they make a configuration, written with ``status: hypothesised``
  for the team to confirm; configurations of the same elements are one, with the evidence of each.
- Positions are read the way the project's texts say (:mod:`cmograph.ingest.importers.positions`).
- Each source's text is kept as a transcript file beside the evidence (``transcripts/ID/SOURCE.txt``, named by
  the source's ``transcript``), so that every quote is checked against it, now and each time the file is checked.

Only the archive is read: a source kept outside it is read from the folder the user names (``--sources``), and
from no other place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cmograph.diagnostics import Diagnostic, Location
from cmograph.errors import InputError
from cmograph.ingest.archive import MAX_ENTRY_BYTES, Archive, open_archive, unsafe_name
from cmograph.ingest.importers import Imported, ImportOptions
from cmograph.ingest.importers.codegroups import DEFAULT_GROUPS, PARTS, Placed, Role, place_codes
from cmograph.ingest.importers.columns import normal
from cmograph.ingest.importers.positions import READINGS, Text, fitting, program, spans
from cmograph.ingest.importers.problems import ImportProblems, counted, problem
from cmograph.ingest.importers.qde import Project, Selection, Source, guid_key, read_project
from cmograph.ingest.importers.table import paper_id
from cmograph.ingest.transcripts import locator, transcript_text
from cmograph.ingest.yaml_json import Path_

INFORMANT_KEYS = ("informant", "participant", "respondent", "interviewee", "speaker", "person", "case", "role")
_SET_VALUE = re.compile(r"^\s*(?P<key>[^:]{1,40}?)\s*:\s*(?P<value>\S.*)$", re.DOTALL)


def import_qdpx(path: Path, options: ImportOptions) -> Imported:
    """Read ``path``; raise :class:`ImportProblems` naming each problem (at its line of ``project.qde``), or
    :class:`~cmograph.ingest.archive.ArchiveRefused` when the archive is not read at all."""
    archive = open_archive(path, kind="REFI-QDA project (.qdpx, a zip archive)")
    with archive.zip:
        project = read_project(archive)
        return _Reader(path, archive, project, options).run()


@dataclass
class _Passage:
    """A coded selection, placed in its text (``start``:``end`` of the text's ``lf``, white space trimmed)."""

    source: Source
    selection: Selection
    text: Text
    start: int
    end: int
    order: int  # of its source among the project's

    @property
    def quote(self) -> str:
        return self.text.lf[self.start:self.end]

    @property
    def shown(self) -> str:
        return f"'{self.source.name}' {locator(self.text.lf, self.start, self.end)}"


class _Reader:
    def __init__(self, path: Path, archive: Archive, project: Project, options: ImportOptions) -> None:
        self.path = path
        self.archive = archive
        self.project = project
        self.options = options
        self.name = archive.name
        self.problems: list[Diagnostic] = []
        self.report: list[str] = []
        self.skipped: list[str] = []
        self.places: dict[Path_, Location] = {}
        self.mapping = {**DEFAULT_GROUPS, **{normal(k): v for k, v in options.code_groups.items()}}
        self.evaluation_id = options.evaluation_id or _slug(path.stem) or "imported"
        self.elements: dict[str, list[dict[str, Any]]] = {part: [] for part in PARTS}
        self.element_ids: dict[tuple[str, str], str] = {}
        self.cmocs: list[dict[str, Any]] = []
        self.source_ids: dict[str, str] = {}  # source GUID -> id
        self.sources: list[dict[str, Any]] = []
        self.groups: list[dict[str, Any]] = []
        self.group_ids: dict[str, str] = {}  # informant label -> id
        self.files: dict[str, bytes] = {}
        self.placed = Placed()

    def fail(self, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(problem(Location(self.project.file, line), message, hint))

    def fail_at(self, source: Source, selection: Selection, message: str, hint: str | None = None) -> None:
        """A problem of a selection, at its range of its source (at its line of ``project.qde`` when the range is
        not one)."""
        if 0 <= selection.start <= selection.end:
            at = Location(self.name, source=source.name, start=selection.start, end=selection.end)
        else:
            at = Location(self.project.file, selection.line)
        self.problems.append(problem(at, message, hint))

    def stop(self) -> None:
        if self.problems:
            raise ImportProblems(self.name, self.problems)

    # ------------------------------------------------------------------------------------------------ reading

    def run(self) -> Imported:
        placed = self.placed = place_codes(self.project, self.mapping)
        coded = [s for s in self.project.sources if s.selections]
        self._check_references(coded)
        texts = {s.guid: text for s in coded if (text := self._text(s)) is not None}
        passages = self._positions([s for s in coded if s.guid in texts], texts)
        self.stop()
        used = self._configurations(passages, placed)
        if not self.cmocs:
            self.fail(1, "nothing in the project makes a configuration: no passage is coded with a context, a "
                      "mechanism and an outcome, and no code group holds configurations",
                      "group the codes under codes named Context, Mechanism and Outcome (or CMOC, one code per "
                      "configuration), code the passages that show a configuration with one code of each, or name "
                      "your groups with --codes")
            self.problems.extend(problem(Location(self.project.file, 1), f"not imported: {line}")
                                 for line in self.skipped[:20])
            self.stop()
        self._unused_codes(placed, used)
        return self._result()

    def _check_references(self, coded: list[Source]) -> None:
        for source in coded:
            for selection in source.selections:
                for code in selection.codes:
                    if code not in self.project.codes:
                        self.fail_at(source, selection, f"a passage of '{source.name}' is coded with '{code}', which "
                                     "is no code of the project", "export the project again from your QDA program")
                if not 0 <= selection.start <= selection.end:
                    self.fail_at(source, selection, f"a passage of '{source.name}' starts at {selection.start} and "
                                 f"ends at {selection.end}", "export the project again from your QDA program")

    def _text(self, source: Source) -> Text | None:
        if source.content is not None:
            return Text(source.content)
        path = source.plain_path or source.rich_path
        if path is None:
            self.fail(source.line, f"the source '{source.name}' has coded passages but no text (no plainTextPath, "
                      "richTextPath or PlainTextContent)", "export the project again with its sources")
            return None
        data = self._read(source, path)
        if data is None:
            return None
        name = path.rsplit("/", 1)[-1]
        try:
            return Text(transcript_text(Path(name), f"{self.name}: the source '{source.name}'", data))
        except InputError as exc:
            self.fail(source.line, exc.message, exc.hint)
            return None

    def _read(self, source: Source, uri: str) -> bytes | None:
        scheme, _, rest = uri.partition("://")
        if scheme.lower() == "internal":
            unsafe = unsafe_name(rest) or ("is not a plain file name" if "/" in rest else None)
            if unsafe:
                self.fail(source.line, f"the source '{source.name}' has the path '{uri}', which {unsafe}; it is "
                          "not read", "a source inside a project is a file name in its sources folder")
                return None
            entry = self.archive.find(f"sources/{rest}")
            if entry is None:
                self.fail(source.line, f"the source '{source.name}' is '{uri}', which the archive does not hold",
                          "export the project again with its sources")
                return None
            return self.archive.read(entry)
        if scheme.lower() in ("relative", "absolute"):
            return self._external(source, uri, scheme.lower(), rest.lstrip("/"))
        self.fail(source.line, f"the source '{source.name}' has the path '{uri}', which cmograph does not read",
                  "paths of sources start internal://, relative:// or absolute://")
        return None

    def _external(self, source: Source, uri: str, scheme: str, rest: str) -> bytes | None:
        folder = self.options.sources
        if folder is None:
            self.fail(source.line, f"the source '{source.name}' is kept outside the archive ({uri}); cmograph reads "
                      "no file a project names by itself", "name the folder that holds it with --sources FOLDER, "
                      "or export the project with its sources inside")
            return None
        relative = rest if scheme == "relative" else rest.replace("\\", "/").rsplit("/", 1)[-1]
        unsafe = unsafe_name(relative)
        target = folder / relative
        inside = not unsafe and target.resolve().is_relative_to(folder.resolve())
        if not inside:
            self.fail(source.line, f"the source '{source.name}' is '{uri}', which leads out of --sources {folder}; "
                      "it is not read", "put the source in that folder")
            return None
        try:
            if target.stat().st_size > MAX_ENTRY_BYTES:
                self.fail(source.line, f"the source '{source.name}' ({target}) is larger than the "
                          f"{MAX_ENTRY_BYTES // 2**20} MiB cmograph reads")
                return None
            return target.read_bytes()
        except OSError as exc:
            self.fail(source.line, f"the source '{source.name}' ({uri}) cannot be read from {target} "
                      f"({exc.strerror})", "put the source in the folder named with --sources")
            return None

    def _positions(self, coded: list[Source], texts: dict[str, Text]) -> list[_Passage]:
        """Each coded selection placed in its text under the reading most of them fit."""
        program_name, readings = program(self.project.origin)
        found: list[tuple[int, Source, Selection, dict[str, tuple[int, int]], dict[str, tuple[int, int]]]] = []
        score = dict.fromkeys(readings, 0)
        for order, source in enumerate(coded):
            text = texts[source.guid]
            for selection in source.selections:
                if not 0 <= selection.start <= selection.end:
                    continue  # reported
                placed = spans(text, readings, selection.start, selection.end)
                fit = fitting(text, placed, selection.name)
                for reading in fit:
                    score[reading] += 1
                found.append((order, source, selection, placed, fit))
        best = max(readings, key=lambda r: (score[r], -readings.index(r)))
        passages: list[_Passage] = []
        odd: list[str] = []
        for order, source, selection, placed, fit in found:
            text = texts[source.guid]
            if not placed:
                self.fail_at(source, selection, f"a passage of '{source.name}' is outside its text of "
                             f"{len(text.lf):,} characters, however its positions are read",
                             "export the project again from your QDA program")
                continue
            reading = best if best in fit else next(iter(fit), best if best in placed else next(iter(placed)))
            start, end = placed[reading]
            while start < end and text.lf[start].isspace():
                start += 1
            while end > start and text.lf[end - 1].isspace():
                end -= 1
            passage = _Passage(source, selection, text, start, end, order)
            if not fit:
                odd.append(f"{passage.shown} fits no reading of its positions (under each, it starts or ends inside "
                           f"a word{' and differs from its name' if selection.name else ''}): read as "
                           f"{READINGS[reading]}; check its quote")
            elif reading != best:
                odd.append(f"{passage.shown} fits only when read as {READINGS[reading]}")
            passages.append(passage)
        differ = any(texts[s.guid].differs() for s in coded)
        if not differ:
            self.report.append("positions: every reading gives the same passages (the texts have no CRLF line end "
                               "and no character beyond U+FFFF)")
        else:
            own = program_name is not None and readings[0] == best
            others = max(score[r] for r in readings if r != best)
            self.report.append(f"positions: read as {READINGS[best]}{f' (as {program_name} counts)' if own else ''}: "
                               f"{score[best]} of {len(found)} passages fit (they start and end at the edges of words, "
                               f"or are the text of their name), at most {others} under any other reading")
        self.report.extend(f"positions: {line}" for line in odd)
        return passages

    # ------------------------------------------------------------------------------------------- configurations

    def _configurations(self, passages: list[_Passage], placed: Placed) -> set[str]:
        """Make the configurations and their evidence; the codes they use."""
        roles = placed.roles
        used: set[str] = set()
        grouped: dict[str, list[_Passage]] = {key: [] for key in placed.configurations}
        plain: list[_Passage] = []
        for passage in passages:
            codes = passage.selection.codes
            if not codes:
                kind = "a comment" if passage.selection.description else "a selection"
                self.skipped.append(f"{kind} with no code: {passage.shown}")
                continue
            members = {roles[c].configuration for c in codes if c in roles and roles[c].configuration}
            for key in members:
                if key is not None:
                    grouped[key].append(passage)
            if any(c in roles and roles[c].part and not roles[c].configuration for c in codes):
                plain.append(passage)
            elif not members:
                names = ", ".join(f"'{self.project.codes[c].name}'" for c in codes)
                self.skipped.append(f"{passage.shown}: coded only with {names}, in no context, mechanism, outcome "
                                    "or CMOC group")
        from_groups = 0
        for key in placed.configurations:
            from_groups += self._grouped(key, grouped[key], roles, used)
        made = self._co_occurring(plain, roles, used)
        counts = []
        if from_groups:
            counts.append(f"{from_groups} from the codes under CMOC groups")
        if made:
            counts.append(f"{made} from codes applied to the same passage (status: hypothesised, for the team to "
                          "confirm)")
        if counts:
            self.report.append(f"configurations: {'; '.join(counts)}")
        return used

    def _grouped(self, key: str, passages: list[_Passage], roles: dict[str, Role], used: set[str]) -> int:
        code = self.project.codes[key]
        members = [k for k, role in roles.items() if role.configuration == key and role.part]
        parts = {part: [k for k in members if roles[k].part == part] for part in PARTS}
        missing = [part for part in PARTS if not parts[part]]
        if missing:
            self.skipped.append(f"the configuration '{code.name}' has no {' and no '.join(missing)} code under it")
            return 0
        used.update([key, *members])
        cmoc: dict[str, Any] = {"id": self._cmoc_id(paper_id(code.name))}
        for part in PARTS:
            cmoc[part] = _unique(self._element(part, roles[k], k) for k in parts[part])
        if code.description:
            cmoc["statement"] = code.description
        self._add_cmoc(cmoc, passages, Location(self.project.file, code.line))
        return 1

    def _co_occurring(self, plain: list[_Passage], roles: dict[str, Role], used: set[str]) -> int:
        """Configurations of overlapping passages whose codes hold a context, a mechanism and an outcome."""
        clusters: list[list[_Passage]] = []
        for passage in sorted(plain, key=lambda p: (p.order, p.start, p.end)):
            last = clusters[-1] if clusters else None
            if last is not None and last[0].order == passage.order and passage.start < max(p.end for p in last):
                last.append(passage)
            else:
                clusters.append([passage])
        by_parts: dict[tuple[tuple[str, ...], ...], tuple[dict[str, Any], list[_Passage]]] = {}
        for cluster in clusters:
            codes = _unique(c for p in cluster for c in p.selection.codes
                            if c in roles and roles[c].part and not roles[c].configuration)
            parts = {part: [c for c in codes if roles[c].part == part] for part in PARTS}
            missing = [part for part in PARTS if not parts[part]]
            if missing:
                names = ", ".join(f"'{roles[c].label}' ({_a(roles[c].part or '')})" for c in codes)
                self.skipped.append(f"{cluster[0].shown if len(cluster) == 1 else _span_shown(cluster)}: coded "
                                    f"{names}, with no {' and no '.join(missing)} on the same passage")
                continue
            used.update(codes)
            ids = tuple(tuple(sorted(_unique(self._element(part, roles[c], c) for c in parts[part])))
                        for part in PARTS)
            if ids in by_parts:
                by_parts[ids][1].extend(cluster)
                continue
            cmoc: dict[str, Any] = {"id": ""}
            for part, chosen in zip(PARTS, ids, strict=True):
                cmoc[part] = list(chosen)
            cmoc["status"] = "hypothesised"
            by_parts[ids] = (cmoc, list(cluster))
        for cmoc, passages in by_parts.values():
            cmoc["id"] = self._cmoc_id(f"CMOC{len(self.cmocs) + 1}")
            first = passages[0].selection
            self._add_cmoc(cmoc, passages, Location(self.name, source=passages[0].source.name, start=first.start,
                                                    end=first.end))
        return len(by_parts)

    def _cmoc_id(self, wanted: str) -> str:
        taken = {c["id"] for c in self.cmocs}
        iid, n = wanted, 2
        while iid in taken:
            iid, n = f"{wanted}-{n}", n + 1
        return iid

    def _element(self, part: str, role: Role, key: str) -> str:
        label = role.label
        known = self.element_ids.get((part, label.casefold()))
        if known is not None:
            return known
        items = self.elements[part]
        iid = f"{part[0]}{len(items) + 1}"
        item: dict[str, Any] = {"id": iid, "label": label}
        code = self.project.codes[key]
        if code.description:
            item["description"] = code.description
        self.places[(f"{part}s", len(items))] = self.places[(f"{part}s", len(items), "label")] = Location(
            self.project.file, code.line)
        items.append(item)
        self.element_ids[(part, label.casefold())] = iid
        return iid

    def _add_cmoc(self, cmoc: dict[str, Any], passages: list[_Passage], at: Location) -> None:
        index = len(self.cmocs)
        self.places[("cmocs", index)] = at
        evidence: list[dict[str, Any]] = []
        seen: set[str] = set()
        for passage in sorted(passages, key=lambda p: (p.order, p.start, -p.end)):
            if passage.selection.guid in seen:
                continue
            seen.add(passage.selection.guid)
            item: dict[str, Any] = {"quote": passage.quote}
            if passage.selection.description:
                item["summary"] = passage.selection.description
            item["source"] = self._source(passage)
            item["locator"] = locator(passage.text.lf, passage.start, passage.end)
            item["data"] = "qualitative"
            informant = self._informant(passage.source)
            if informant is not None:
                item["informant"] = informant
            selection = passage.selection
            self.places[("cmocs", index, "evidence", len(evidence))] = Location(
                self.name, source=passage.source.name, start=selection.start, end=selection.end)
            evidence.append(item)
        if evidence:
            cmoc["evidence"] = evidence
        self.cmocs.append(cmoc)

    # ------------------------------------------------------------------------------------ sources and informants

    def _source(self, passage: _Passage) -> str:
        source = passage.source
        known = self.source_ids.get(source.guid)
        if known is not None:
            return known
        taken = set(self.source_ids.values())
        iid = _slug(re.sub(r"\.(?:txt|docx|rtf|pdf)$", "", source.name, flags=re.IGNORECASE)) or \
            f"source-{len(taken) + 1}"
        iid = _unique_id(iid, taken)
        transcript = f"transcripts/{self.evaluation_id}/{iid}.txt"
        self.places[("sources", len(self.sources))] = Location(self.project.file, source.line)
        self.sources.append({"id": iid, "label": source.name, "transcript": transcript})
        self.files[transcript] = passage.text.stored.encode("utf-8")
        self.source_ids[source.guid] = iid
        return iid

    def _informant(self, source: Source) -> str | None:
        key = guid_key(source.guid)
        label, described = None, ""
        for case in self.project.cases:
            if key in case.sources:
                label = case.name or _informant_value(case.variables)
                described = "; ".join(f"{k}: {v}" for k, v in case.variables.items())
                if label:
                    break
        if not label and source.variables:
            label = _informant_value(source.variables)
            described = "; ".join(f"{k}: {v}" for k, v in source.variables.items())
        if not label:
            for code_set in self.project.sets:
                match = _SET_VALUE.match(code_set.name)
                if key in code_set.sources and match and normal(match["key"]) in INFORMANT_KEYS:
                    label, described = match["value"].strip(), code_set.name
                    break
        if not label:
            return None
        known = self.group_ids.get(label)
        if known is None:
            known = _unique_id(_slug(label) or f"informant-{len(self.groups) + 1}", set(self.group_ids.values()))
            group: dict[str, Any] = {"id": known, "label": label}
            if described and described != label:
                group["description"] = described
            self.groups.append(group)
            self.group_ids[label] = known
        return known

    # ------------------------------------------------------------------------------------------------ the result

    def _unused_codes(self, placed: Placed, used: set[str]) -> None:
        """Codes of the groups that make nothing and were applied to no passage (the passages skipped say why
        the others make nothing)."""
        coded = {c for s in self.project.sources for sel in s.selections for c in sel.codes}
        for key, role in placed.roles.items():
            if key not in used and key not in coded:
                what = _a(role.part) if role.part else "a configuration"
                self.skipped.append(f"the code '{self.project.codes[key].name}' ({what}): no passage is coded with it")

    def _result(self) -> Imported:
        project = self.project
        evaluation: dict[str, Any] = {"id": self.evaluation_id, "title": project.name or self.path.stem}
        if project.description:
            evaluation["description"] = project.description
        data: dict[str, Any] = {"cmograph": 1, "evaluation": evaluation}
        if self.groups:
            data["groups"] = self.groups
        data["sources"] = self.sources
        for part in PARTS:
            data[f"{part}s"] = self.elements[part]
        data["cmocs"] = self.cmocs
        origin = f" from {project.origin}" if project.origin else ""
        coded = sum(len(s.selections) for s in project.sources)
        report = [f"read {self.name}: the project '{project.name}'{origin}; "
                  f"{counted(len(project.sources), 'text source')}, {counted(coded, 'selection')}", *self.report]
        if self.placed.groups:
            report.append(f"codes: {', '.join(self.placed.groups)}")
        report.append(f"made {counted(len(self.elements['context']), 'context')}, "
                      f"{counted(len(self.elements['mechanism']), 'mechanism')}, "
                      f"{counted(len(self.elements['outcome']), 'outcome')}, "
                      f"{counted(len(self.sources), 'source')}, {counted(len(self.groups), 'informant group')}; "
                      f"{counted(len(self.cmocs), 'configuration')} with "
                      f"{counted(sum(len(c.get('evidence', [])) for c in self.cmocs), 'evidence item')}")
        if self.groups:
            report.append(f"informants: {', '.join(g['label'] for g in self.groups)}")
        report.extend(f"not imported: {line}" for line in self.skipped)
        for kind, count in project.other_sources.items():
            report.append(f"not imported: {counted(count, kind)} (cmograph reads the text sources)")
        whole = sum(s.whole_codings for s in project.sources)
        if whole:
            report.append(f"not imported: {counted(whole, 'coding')} of whole sources (not of a passage)")
        report.append(f"transcripts: each source's text is kept in transcripts/{self.evaluation_id}/, so that every "
                      "quote is checked against it")
        report.append("check each label, and add what a project does not say: the study's doi, year, authors and "
                      "design, mechanism kinds, outcome directions, source kinds")
        return Imported(data, self.name, report, self.places, self.files)


def _a(part: str) -> str:
    return f"an {part}" if part.startswith("o") else f"a {part}"


def _span_shown(cluster: list[_Passage]) -> str:
    first = cluster[0]
    start, end = min(p.start for p in cluster), max(p.end for p in cluster)
    return f"'{first.source.name}' {locator(first.text.lf, start, end)}"


def _informant_value(variables: dict[str, str]) -> str | None:
    by_key = {normal(k): v for k, v in variables.items()}
    return next((by_key[k] for k in INFORMANT_KEYS if k in by_key), None)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")


def _unique_id(iid: str, taken: set[str]) -> str:
    wanted, n = iid, 2
    while iid in taken:
        iid, n = f"{wanted}-{n}", n + 1
    return iid


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))
