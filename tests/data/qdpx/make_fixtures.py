#!/usr/bin/env python3
"""Rebuild every REFI-QDA test fixture in this folder and in hostile/ deterministically.

    python tests/data/qdpx/make_fixtures.py            # all fixtures
    python tests/data/qdpx/make_fixtures.py --no-bomb  # skip the two >1 GB zip bombs (faster)

Needs python-docx (the .docx source of the NVivo-style fixture). Output is byte-identical from run to
run: GUIDs are uuid5 of fixed names, timestamps are fixed, zip entries are written in a fixed order
with a fixed date, and the .docx made by python-docx is re-zipped with fixed dates.

The three project fixtures imitate habits of NVivo, ATLAS.ti and MAXQDA exports as far as the
sources cited in NOTES.md describe them; where the sources are silent the choice is marked
ASSUMPTION in NOTES.md and in each fixture's .expected.json. The interview texts are invented for the
fixtures (no real participants).
"""
import io
import json
import os
import sys
import uuid
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = HERE
HOST = os.path.join(HERE, "hostile")
NS = "urn:QDA-XML:project:1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ZIP_DATE = (2024, 5, 6, 10, 0, 0)
GUID_NS = uuid.UUID("6f1c2a52-3d1e-4a8e-9a57-0c0ffee00001")


# ------------------------------------------------------------------------------------------ helpers
def guid(name, style="lower"):
    u = uuid.uuid5(GUID_NS, name)
    if style == "upper":
        return str(u).upper()
    if style == "nvivo":
        # NVivo for Mac 15 writes code/user GUIDs whose bytes are ASCII hex digits
        # (e.g. 34653336-3766-3235-6466-363134396437 = "4e36" "7f" "25" "df" "614" ...).
        h = "".join("%02x" % ord(c) for c in u.hex[:16])
        return "-".join([h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]])
    return str(u)


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def write_zip(path, entries, compresslevel=9):
    """entries: list of (name, bytes). Fixed dates and order; deflate."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)


def rezip_fixed(data):
    """Re-zip an in-memory zip (e.g. a .docx) with fixed entry dates, same entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def span(stored, needle, occurrence=1):
    """Locate `needle` (written with \\n line breaks) in `stored` (which may use \\r\\n).

    Returns a dict with the span under each counting convention:
      cp_lf      code points, CRLF counted as ONE character (text normalised to \\n)
      cp_stored  code points of the file as stored, CRLF counted as TWO
      u16_stored UTF-16 code units of the file as stored, CRLF as TWO, non-BMP characters as TWO
    and the exact text as stored and normalised. End positions are exclusive (end - start = length),
    as in the example of REFI-QDA 1.5 Annex A.
    """
    lf = stored.replace("\r\n", "\n")
    # map each index of the normalised text to the index of the same character in the stored text
    m = []
    i = 0
    while i < len(stored):
        m.append(i)
        i += 2 if stored.startswith("\r\n", i) else 1
    m.append(len(stored))
    k = -1
    for _ in range(occurrence):
        k = lf.find(needle, k + 1)
        if k < 0:
            raise ValueError("not found: %r" % needle)
    s_lf, e_lf = k, k + len(needle)
    s_st, e_st = m[s_lf], m[e_lf]
    u16 = lambda t: len(t.encode("utf-16-le")) // 2
    return {
        "cp_lf": (s_lf, e_lf),
        "cp_stored": (s_st, e_st),
        "u16_stored": (u16(stored[:s_st]), u16(stored[:e_st])),
        "text_stored": stored[s_st:e_st],
        "text_lf": needle,
    }


class Project:
    """Minimal writer for the parts of QDA-XML the fixtures use, in schema order."""

    def __init__(self, name, origin, creating_user, created, modified=None, base_path=None,
                 schema_location=NS + " http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"):
        self.name, self.origin, self.user, self.created = name, origin, creating_user, created
        self.modified, self.base_path, self.schema_location = modified, base_path, schema_location
        self.users, self.codes, self.variables, self.cases = [], [], [], []
        self.sources, self.notes, self.sets, self.project_noterefs = [], [], [], []

    def xml(self, pretty=True, declaration='<?xml version="1.0" encoding="utf-8"?>'):
        out = []
        nl = "\n" if pretty else ""
        ind = (lambda d: "  " * d) if pretty else (lambda d: "")
        attrs = [("xmlns", NS), ("xmlns:xsi", XSI), ("xsi:schemaLocation", self.schema_location),
                 ("name", self.name), ("origin", self.origin), ("creatingUserGUID", self.user),
                 ("creationDateTime", self.created)]
        if self.modified:
            attrs += [("modifyingUserGUID", self.user), ("modifiedDateTime", self.modified)]
        if self.base_path is not None:
            attrs.append(("basePath", self.base_path))
        out.append(declaration + nl)
        out.append("<Project " + " ".join('%s="%s"' % (k, esc(v)) for k, v in attrs) + ">" + nl)
        if self.users:
            out.append(ind(1) + "<Users>" + nl)
            for u in self.users:
                a = " ".join('%s="%s"' % (k, esc(v)) for k, v in u.items())
                out.append(ind(2) + "<User %s />" % a + nl)
            out.append(ind(1) + "</Users>" + nl)
        if self.codes:
            out.append(ind(1) + "<CodeBook>" + nl + ind(2) + "<Codes>" + nl)

            def code(c, d):
                a = 'guid="%s" name="%s" isCodable="%s"' % (c["guid"], esc(c["name"]),
                                                          "true" if c.get("codable", True) else "false")
                if c.get("color"):
                    a += ' color="%s"' % c["color"]
                kids = c.get("children", [])
                if not kids and not c.get("description"):
                    out.append(ind(d) + "<Code %s />" % a + nl)
                    return
                out.append(ind(d) + "<Code %s>" % a + nl)
                if c.get("description"):
                    out.append(ind(d + 1) + "<Description>%s</Description>" % esc(c["description"]) + nl)
                for k in kids:
                    code(k, d + 1)
                out.append(ind(d) + "</Code>" + nl)
            for c in self.codes:
                code(c, 3)
            out.append(ind(2) + "</Codes>" + nl + ind(1) + "</CodeBook>" + nl)
        if self.variables:
            out.append(ind(1) + "<Variables>" + nl)
            for v in self.variables:
                out.append(ind(2) + '<Variable guid="%s" name="%s" typeOfVariable="%s" />'
                           % (v["guid"], esc(v["name"]), v["type"]) + nl)
            out.append(ind(1) + "</Variables>" + nl)
        if self.cases:
            out.append(ind(1) + "<Cases>" + nl)
            for c in self.cases:
                a = 'guid="%s"' % c["guid"]
                if c.get("name") is not None:
                    a += ' name="%s"' % esc(c["name"])
                out.append(ind(2) + "<Case %s>" % a + nl)
                if c.get("description"):
                    out.append(ind(3) + "<Description>%s</Description>" % esc(c["description"]) + nl)
                for vguid, vtype, val in c.get("values", []):
                    out.append(ind(3) + "<VariableValue>" + nl)
                    out.append(ind(4) + '<VariableRef targetGUID="%s" />' % vguid + nl)
                    out.append(ind(4) + "<%s>%s</%s>" % (vtype, esc(val), vtype) + nl)
                    out.append(ind(3) + "</VariableValue>" + nl)
                for sg in c.get("sources", []):
                    out.append(ind(3) + '<SourceRef targetGUID="%s" />' % sg + nl)
                out.append(ind(2) + "</Case>" + nl)
            out.append(ind(1) + "</Cases>" + nl)
        if self.sources:
            out.append(ind(1) + "<Sources>" + nl)
            for s in self.sources:
                a = [("guid", s["guid"]), ("name", s["name"])]
                if s.get("rich"):
                    a.append(("richTextPath", s["rich"]))
                a.append(("plainTextPath", s["plain"]))
                a += [("creatingUser", self.user), ("creationDateTime", self.created)]
                out.append(ind(2) + "<TextSource " + " ".join('%s="%s"' % (k, esc(v)) for k, v in a) + ">" + nl)
                if s.get("description"):
                    out.append(ind(3) + "<Description>%s</Description>" % esc(s["description"]) + nl)
                for sel in s["selections"]:
                    a = [("guid", sel["guid"])]
                    if sel.get("name") is not None:
                        a.append(("name", sel["name"]))
                    a += [("startPosition", str(sel["start"])), ("endPosition", str(sel["end"])),
                          ("creatingUser", self.user), ("creationDateTime", self.created)]
                    out.append(ind(3) + "<PlainTextSelection " + " ".join('%s="%s"' % (k, esc(v)) for k, v in a) + ">" + nl)
                    if sel.get("description"):
                        out.append(ind(4) + "<Description>%s</Description>" % esc(sel["description"]) + nl)
                    for cg, code_guid in sel.get("codings", []):
                        out.append(ind(4) + '<Coding guid="%s" creatingUser="%s" creationDateTime="%s">'
                                   % (cg, self.user, self.created) + nl)
                        out.append(ind(5) + '<CodeRef targetGUID="%s" />' % code_guid + nl)
                        out.append(ind(4) + "</Coding>" + nl)
                    out.append(ind(3) + "</PlainTextSelection>" + nl)
                for vguid, vtype, val in s.get("values", []):
                    out.append(ind(3) + "<VariableValue>" + nl)
                    out.append(ind(4) + '<VariableRef targetGUID="%s" />' % vguid + nl)
                    out.append(ind(4) + "<%s>%s</%s>" % (vtype, esc(val), vtype) + nl)
                    out.append(ind(3) + "</VariableValue>" + nl)
                out.append(ind(2) + "</TextSource>" + nl)
            out.append(ind(1) + "</Sources>" + nl)
        if self.notes:
            out.append(ind(1) + "<Notes>" + nl)
            for n in self.notes:
                out.append(ind(2) + '<Note guid="%s" name="%s" creatingUser="%s" creationDateTime="%s">'
                           % (n["guid"], esc(n["name"]), self.user, self.created) + nl)
                out.append(ind(3) + "<PlainTextContent>%s</PlainTextContent>" % esc(n["text"]) + nl)
                out.append(ind(2) + "</Note>" + nl)
            out.append(ind(1) + "</Notes>" + nl)
        if self.sets:
            out.append(ind(1) + "<Sets>" + nl)
            for st in self.sets:
                out.append(ind(2) + '<Set guid="%s" name="%s">' % (st["guid"], esc(st["name"])) + nl)
                if st.get("description"):
                    out.append(ind(3) + "<Description>%s</Description>" % esc(st["description"]) + nl)
                for g in st.get("codes", []):
                    out.append(ind(3) + '<MemberCode targetGUID="%s" />' % g + nl)
                for g in st.get("sources", []):
                    out.append(ind(3) + '<MemberSource targetGUID="%s" />' % g + nl)
                out.append(ind(2) + "</Set>" + nl)
            out.append(ind(1) + "</Sets>" + nl)
        for g in self.project_noterefs:
            out.append(ind(1) + '<NoteRef targetGUID="%s" />' % g + nl)
        out.append("</Project>" + nl)
        return "".join(out)


def code_tree_for_expected(codes, path=()):
    res = []
    for c in codes:
        res.append({"name": c["name"], "guid": c["guid"], "isCodable": c.get("codable", True),
                    "children": code_tree_for_expected(c.get("children", []), path + (c["name"],))})
    return res


def find_code(codes, name, path=()):
    for c in codes:
        p = path + (c["name"],)
        if c["name"] == name:
            return c, list(p)
        r = find_code(c.get("children", []), name, p)
        if r:
            return r
    return None


def build(prj, fixture_name, sources, passages, convention, expected_extra, zip_entries_extra=(),
          qde_name="project.qde", pretty=True, declaration='<?xml version="1.0" encoding="utf-8"?>'):
    """sources: list of dicts {key, name, guid, stored(str), entry, plain, rich?, rich_bytes?, description?,
    values?}; passages: list of dicts {source, text, occurrence?, code (name) or None, description?, name?}"""
    key_to_src = {s["key"]: s for s in sources}
    for s in sources:
        s["selections"] = []
    exp_passages, exp_uncoded = [], []
    for n, p in enumerate(passages, start=1):
        s = key_to_src[p["source"]]
        sp = span(s["stored"], p["text"], p.get("occurrence", 1))
        start, end = sp[convention]
        sel_guid = guid("%s/sel/%d" % (fixture_name, n), prj.guid_style)
        sel = {"guid": sel_guid, "start": start, "end": end, "codings": []}
        if p.get("name") is not None:
            sel["name"] = p["name"]
        if p.get("description"):
            sel["description"] = p["description"]
        rec = {"source": s["name"], "source_guid": s["guid"], "selection_guid": sel_guid,
               "startPosition": start, "endPosition": end,
               "text": sp["text_stored"], "text_normalised": sp["text_lf"],
               "other_conventions": {k: list(sp[k]) for k in ("cp_lf", "cp_stored", "u16_stored")}}
        if p.get("description"):
            rec["description"] = p["description"]
        codes = p.get("codes") or ([p["code"]] if p.get("code") else [])
        if codes:
            # one Coding per code, as a program writes a passage coded at several codes
            for k, code_name in enumerate(codes):
                c, _ = find_code(prj.codes, code_name)
                coding = "%s/coding/%d" % (fixture_name, n) + ("" if k == 0 else "/%d" % k)
                sel["codings"].append((guid(coding, prj.guid_style), c["guid"]))
            found = [find_code(prj.codes, code_name) for code_name in codes]
            rec.update({"code": found[0][0]["name"], "code_path": found[0][1], "code_guid": found[0][0]["guid"]})
            if len(codes) > 1:
                rec.update({"codes": [c["name"] for c, _ in found], "code_guids": [c["guid"] for c, _ in found]})
            exp_passages.append(rec)
        else:
            exp_uncoded.append(rec)
        s["selections"].append(sel)
    for s in sources:
        s["selections"].sort(key=lambda x: (x["start"], x["end"]))
    prj.sources = sources
    qde = prj.xml(pretty=pretty, declaration=declaration).encode("utf-8")
    entries = [(qde_name, qde)]
    for s in sources:
        if s.get("rich_bytes") is not None:
            entries.append((s["rich_entry"], s["rich_bytes"]))
        entries.append((s["entry"], s["stored"].encode("utf-8")))
    entries.extend(zip_entries_extra)
    path = os.path.join(FIX, fixture_name + ".qdpx")
    write_zip(path, entries)
    exp = {
        "fixture": fixture_name + ".qdpx",
        "zip_entries": [e[0] for e in entries],
        "code_tree": code_tree_for_expected(prj.codes),
    }
    exp.update(expected_extra)
    exp["sources"] = [{"name": s["name"], "guid": s["guid"], "plainTextPath": s["plain"],
                       "richTextPath": s.get("rich"), "zip_entry": s["entry"],
                       "line_endings": "CRLF" if "\r\n" in s["stored"] else "LF",
                       "chars_codepoints": len(s["stored"]),
                       "non_ascii": any(ord(ch) > 127 for ch in s["stored"]),
                       "non_bmp": any(ord(ch) > 0xFFFF for ch in s["stored"])} for s in sources]
    exp["passages"] = exp_passages
    exp["uncoded_selections"] = exp_uncoded
    with open(os.path.join(FIX, fixture_name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return qde


def crlf(lines):
    return "\r\n".join(lines) + "\r\n"


def lf(lines):
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------- NVivo-style fixture
def make_docx(paragraphs):
    import docx  # python-docx
    d = docx.Document()
    cp = d.core_properties
    import datetime
    fixed = datetime.datetime(2024, 5, 6, 10, 0, 0)
    cp.author, cp.last_modified_by = "Interviewer", "Interviewer"
    cp.created, cp.modified, cp.revision = fixed, fixed, 1
    cp.title = "Interview P01"
    for i, p in enumerate(paragraphs):
        para = d.add_paragraph()
        if ":" in p and i > 0:
            speaker, rest = p.split(":", 1)
            para.add_run(speaker + ":").bold = True
            para.add_run(rest)
        else:
            para.add_run(p).bold = (i == 0)
    buf = io.BytesIO()
    d.save(buf)
    return rezip_fixed(buf.getvalue())


def nvivo_style():
    name = "nvivo_style"
    g = lambda n: guid(name + "/" + n, "lower")
    gn = lambda n: guid(name + "/" + n, "nvivo")
    user = gn("user/researcher")
    prj = Project("Cyswllt link worker realist evaluation", "NVivo 14 for Windows (cmograph fixture imitating NVivo)",
                  user, "2024-05-06T09:00:00Z", modified="2024-05-06T09:30:00Z", base_path="",
                  schema_location=NS + " Project.xsd")
    prj.guid_style = "nvivo"
    prj.users = [{"guid": user, "id": "RE", "name": "Rhian Evans"}]
    prj.codes = [
        {"guid": gn("code/C"), "name": "Context", "codable": True, "children": [
            {"guid": gn("code/C1"), "name": "Funded post from the health board"},
            {"guid": gn("code/C2"), "name": "Protected time for link work"}]},
        {"guid": gn("code/M"), "name": "Mechanism", "codable": True, "children": [
            {"guid": gn("code/M1"), "name": "GPs feel able to act"},
            {"guid": gn("code/M2"), "name": "GPs come to trust the link worker"},
            {"guid": gn("code/M3"), "name": "Patients believe the referral is real"}]},
        {"guid": gn("code/O"), "name": "Outcome", "codable": True, "children": [
            {"guid": gn("code/O1"), "name": "GPs feel less helpless"},
            {"guid": gn("code/O2"), "name": "Referrals increase"},
            {"guid": gn("code/O3"), "name": "Patients feel listened to",
             "description": "Patients say someone has listened to them, often for the first time."}]},
    ]
    t1_par = [
        "Interview P01 - practice manager, Bangor surgery",
        "Interviewer: What made the practice sign up to the link worker pilot?",
        "P01: We had a lot of people booking appointments for things that weren't medical at all - housing, debt, loneliness.",
        "P01: The health board gave us the post for two years, funded, so there was nothing to lose.",
        "Interviewer: Has it made a difference to the GPs?",
        "P01: The GPs say they feel less helpless. They can actually do something when someone is lonely, instead of prescribing.",
    ]
    t2 = crlf([
        "Cyfweliad / Interview P02 \u2013 Si\u00e2n ap Dafydd, link worker, Caernarfon",
        "Interviewer: How did the GP surgery take to the scheme at first?",
        "Si\u00e2n: Honestly? Slowly. Dr Ll\u0177r Gwenll\u00efan-Jones said \u201cwe\u2019ll see\u201d and that was it for a month \U0001F642 but once Elin the practice nurse sat in on my Tuesday clinic, it changed.",
        "Interviewer: What changed?",
        "Si\u00e2n: They started to trust me with the \u201cdifficult\u201d ones \u2013 people who come in every week because they\u2019re lonely. Having that protected hour on a Tuesday meant I wasn\u2019t squeezing them in between phone calls.",
        "Si\u00e2n: When a GP hands someone over in person, the patient thinks, right, this is real, the doctor believes in it. Referrals went from two a month to nine.",
        "Interviewer: And for the patients themselves?",
        "Si\u00e2n: Mrs Ffion Gruffydd told me, \u2018You\u2019re the first one who\u2019s actually listened\u2019 \U0001F60A \u2014 that\u2019s the bit that keeps me going.",
    ])
    s1, s2 = g("src/P01"), g("src/P02")
    sources = [
        {"key": "P01", "name": "Interview P01 - practice manager", "guid": s1, "stored": crlf(t1_par),
         "entry": "Sources/%s.txt" % s1, "plain": "internal://%s.txt" % s1,
         "rich": "internal://%s.docx" % s1, "rich_entry": "Sources/%s.docx" % s1, "rich_bytes": make_docx(t1_par)},
        {"key": "P02", "name": "Interview P02 - Si\u00e2n ap Dafydd", "guid": s2, "stored": t2,
         "entry": "Sources/%s.txt" % s2, "plain": "internal://%s.txt" % s2},
    ]
    # A passage coded at a context, a mechanism and an outcome together is how a realist team marks a
    # configuration in NVivo (one selection, several codings); narrower passages inside it are coded too.
    passages = [
        {"source": "P01", "codes": ["Funded post from the health board", "GPs feel able to act",
                                    "GPs feel less helpless"],
         "text": "The health board gave us the post for two years, funded, so there was nothing to lose.\n"
                 "Interviewer: Has it made a difference to the GPs?\nP01: The GPs say they feel less helpless. "
                 "They can actually do something when someone is lonely, instead of prescribing."},
        {"source": "P01", "code": "GPs feel less helpless", "text": "The GPs say they feel less helpless."},
        {"source": "P02", "code": "GPs come to trust the link worker",
         "text": "once Elin the practice nurse sat in on my Tuesday clinic, it changed.\nInterviewer: What changed?\n"
                 "Si\u00e2n: They started to trust me with the \u201cdifficult\u201d ones"},
        {"source": "P02", "codes": ["Protected time for link work", "Patients believe the referral is real",
                                    "Referrals increase"],
         "text": "Having that protected hour on a Tuesday meant I wasn\u2019t squeezing them in between phone calls.\n"
                 "Si\u00e2n: When a GP hands someone over in person, the patient thinks, right, this is real, the "
                 "doctor believes in it. Referrals went from two a month to nine."},
        {"source": "P02", "code": "Referrals increase", "text": "Referrals went from two a month to nine."},
        {"source": "P02", "code": "Patients feel listened to",
         "text": "\u2018You\u2019re the first one who\u2019s actually listened\u2019 \U0001F60A"},
    ]
    v_role, v_site, v_years = g("var/role"), g("var/site"), g("var/years")
    prj.variables = [{"guid": v_role, "name": "Role", "type": "Text"},
                     {"guid": v_site, "name": "Site", "type": "Text"},
                     {"guid": v_years, "name": "Years in post", "type": "Integer"}]
    prj.cases = [
        {"guid": g("case/P01"), "name": "P01", "description": "Informant P01 (practice manager)",
         "values": [(v_role, "TextValue", "Practice manager"), (v_site, "TextValue", "Bangor"),
                    (v_years, "IntegerValue", "6")], "sources": [s1]},
        {"guid": g("case/P02"), "name": "P02 Si\u00e2n ap Dafydd", "description": "Informant P02 (link worker)",
         "values": [(v_role, "TextValue", "Link worker"), (v_site, "TextValue", "Caernarfon"),
                    (v_years, "IntegerValue", "2")], "sources": [s2]},
    ]
    memo = g("note/memo1")
    prj.notes = [{"guid": memo, "name": "Memo \u2013 trust CMOC",
                  "text": "Trust seems to travel GP \u2192 link worker \u2192 patient. Check against P03."}]
    prj.sets = [{"guid": g("set/wave1"), "name": "Wave 1 interviews", "sources": [s1, s2]}]
    prj.project_noterefs = [memo]
    extra = {
        "imitates": "NVivo (Windows) export habits",
        "position_convention": {
            "unit": "UTF-16 code units (ASSUMPTION: no source states NVivo's unit; NVivo is a .NET program)",
            "crlf": "counted as two characters (QualCoder refi.py: Windows NVivo .txt uses \\r\\n and its positions need the extra character)",
            "end": "exclusive",
            "key": "u16_stored",
        },
        "habits": [
            "folder 'Sources/' capitalised (QualCoder refi.py: 'MAXQDA uses sources, NVIVO uses Sources.')",
            "project.qde written on one line, standalone=\"no\", schemaLocation 'urn:QDA-XML:project:1.0 Project.xsd' (NVivo for Mac 15 sample in cproctor/qualitative-coding)",
            "lower-case GUIDs; code and user GUIDs made of ASCII-hex bytes (same sample)",
            "User has an id attribute (initials) (same sample)",
            "every text source has richTextPath (.docx) and plainTextPath (.txt) in the sample; here only P01 has a .docx",
            "top-level Context/Mechanism/Outcome codes are codable parents (isCodable=true, as NVivo parents in the sample)",
            "named Cases with VariableValues and SourceRef give each informant; a Note (memo) and a Set",
        ],
        "code_groups": {"Context": ["Funded post from the health board", "Protected time for link work"],
                        "Mechanism": ["GPs feel able to act", "GPs come to trust the link worker",
                                      "Patients believe the referral is real"],
                        "Outcome": ["GPs feel less helpless", "Referrals increase", "Patients feel listened to"]},
        "cases": [{"name": "P01", "role": "Practice manager", "site": "Bangor", "years_in_post": 6,
                   "sources": ["Interview P01 - practice manager"]},
                  {"name": "P02 Si\u00e2n ap Dafydd", "role": "Link worker", "site": "Caernarfon", "years_in_post": 2,
                   "sources": ["Interview P02 - Si\u00e2n ap Dafydd"]}],
        "notes": [{"name": "Memo \u2013 trust CMOC",
                   "text": "Trust seems to travel GP \u2192 link worker \u2192 patient. Check against P03."}],
        "sets": [{"name": "Wave 1 interviews", "sources": ["Interview P01 - practice manager",
                                                           "Interview P02 - Si\u00e2n ap Dafydd"]}],
        "docx_source": {"source": "Interview P01 - practice manager",
                        "note": "positions refer to the plain-text representation (the .txt), per REFI-QDA 1.5 \u00a73.12/\u00a710.3"},
    }
    return build(prj, name, sources, passages, "u16_stored", extra, pretty=False,
                 declaration='<?xml version="1.0" encoding="UTF-8" standalone="no" ?>')


# ----------------------------------------------------------------------------- ATLAS.ti-style fixture
def atlas_style():
    name = "atlasti_style"
    g = lambda n: guid(name + "/" + n, "upper")
    user = g("user/researcher")
    atlas_user = "C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B"  # the 'ATLAS.ti' user in both ATLAS.ti samples
    prj = Project("Revue de m\u00e9dication realist evaluation", "ATLAS.ti for Windows 23 (cmograph fixture imitating ATLAS.ti)",
                  user, "2024-05-06T09:00:00Z", modified="2024-05-06T09:30:00Z",
                  base_path="C:/Users/researcher/Documents/ATLAS.ti/Exports")
    prj.guid_style = "upper"
    prj.users = [{"guid": user, "name": "Camille Martin"}, {"guid": atlas_user, "name": "ATLAS.ti"}]
    cols = {"C": "#F00082", "M": "#463CC8", "O": "#46AA00"}
    flat = [("C", "Pharmacist co-located with GPs"), ("C", "GP introduces the review in person"),
            ("C", "Initial patient mistrust"),
            ("M", "GP consults pharmacist before prescribing changes"),
            ("M", "Patients transfer trust from GP to pharmacist"),
            ("O", "Fewer drug-related readmissions"), ("O", "Patients bring all their medicines")]
    prj.codes = [{"guid": g("code/" + n), "name": "%s::%s" % (grp, n), "codable": True, "color": cols[grp]}
                 for grp, n in flat]
    t1 = lf([
        "Interview 03 (GP, Villeurbanne health centre)",
        "Q: When did the pharmacist start doing medication reviews here?",
        "A: About a year ago. She has a room two doors down from mine, so I just walk over.",
        "A: Because she's right there, I ask her before I change anything for the older patients.",
        "Q: Has that changed anything?",
        "A: Fewer people end up back in hospital with a drug problem, I'm fairly sure of that.",
    ])
    t2 = crlf([
        "Entretien 04 \u2013 H\u00e9l\u00e8ne Lef\u00e8vre, pharmacienne",
        "Q : Comment les patients r\u00e9agissent-ils \u00e0 la revue de m\u00e9dication ?",
        "R : Au d\u00e9but, certains se m\u00e9fient. Mme Zo\u00eb P\u00e9r\u00e9z m\u2019a dit \u00ab je ne vois pas pourquoi la pharmacienne s\u2019en m\u00eale \u00bb. \U0001F605",
        "R : Quand le Dr Fran\u00e7ois No\u00ebl leur pr\u00e9sente la revue lui-m\u00eame, ils acceptent presque tous.",
        "R : Ils ont confiance en lui, donc ils me font confiance.",
        "Q : Et ensuite ?",
        "R : Ils viennent avec tous leurs m\u00e9dicaments dans un sac \u2014 c\u2019est le c\u0153ur du travail \U0001F44D",
    ])
    s1, s2 = g("src/I03"), g("src/I04")
    sources = [
        # Annex A of REFI-QDA 1.5 lists an ATLAS.ti 8.4 export whose entries carry upper-case GUIDs and
        # upper-case extensions ('.TXT') while project.qde refers to '.txt'; imitated here.
        {"key": "I03", "name": "Interview 03 GP.txt", "guid": s1, "stored": t1,
         "entry": "sources/%s.TXT" % s1, "plain": "internal://%s.txt" % s1},
        {"key": "I04", "name": "Entretien 04 H\u00e9l\u00e8ne.txt", "guid": s2, "stored": t2,
         "entry": "sources/%s.TXT" % s2, "plain": "internal://%s.txt" % s2},
    ]

    def nm(t):  # ATLAS.ti puts the quotation text in the selection name, shortened with an ellipsis
        t = t.replace("\n", " ")
        return t if len(t) <= 100 else t[:100] + "\u2026"
    P = [
        ("I03", "C::Pharmacist co-located with GPs", "She has a room two doors down from mine, so I just walk over.", None),
        ("I03", "M::GP consults pharmacist before prescribing changes",
         "Because she's right there, I ask her before I change anything for the older patients.", None),
        ("I03", "O::Fewer drug-related readmissions", "Fewer people end up back in hospital with a drug problem", None),
        ("I04", "C::Initial patient mistrust",
         "\u00ab je ne vois pas pourquoi la pharmacienne s\u2019en m\u00eale \u00bb", "M\u00e9fiance avant l\u2019aval du m\u00e9decin"),
        ("I04", "C::GP introduces the review in person",
         "Quand le Dr Fran\u00e7ois No\u00ebl leur pr\u00e9sente la revue lui-m\u00eame", None),
        ("I04", "M::Patients transfer trust from GP to pharmacist",
         "ils acceptent presque tous.\nR : Ils ont confiance en lui, donc ils me font confiance.", None),
        ("I04", "O::Patients bring all their medicines",
         "Ils viennent avec tous leurs m\u00e9dicaments dans un sac \u2014 c\u2019est le c\u0153ur du travail \U0001F44D", None),
        # ATLAS.ti quotations are often coded at several codes: a C, an M and an O code on one quotation
        ("I03", ["C::Pharmacist co-located with GPs", "M::GP consults pharmacist before prescribing changes",
                 "O::Fewer drug-related readmissions"],
         "She has a room two doors down from mine, so I just walk over.\nA: Because she's right there, I ask her "
         "before I change anything for the older patients.\nQ: Has that changed anything?\nA: Fewer people end up "
         "back in hospital with a drug problem", None),
        ("I04", ["C::GP introduces the review in person", "M::Patients transfer trust from GP to pharmacist",
                 "O::Patients bring all their medicines"],
         "Quand le Dr Fran\u00e7ois No\u00ebl leur pr\u00e9sente la revue lui-m\u00eame, ils acceptent presque tous.\n"
         "R : Ils ont confiance en lui, donc ils me font confiance.\nQ : Et ensuite ?\nR : Ils viennent avec tous leurs "
         "m\u00e9dicaments dans un sac \u2014 c\u2019est le c\u0153ur du travail \U0001F44D", None),
    ]
    passages = [{"source": s, ("codes" if isinstance(c, list) else "code"): c, "text": t, "name": nm(t),
                 "description": d} for s, c, t, d in P]
    prj.sets = [
        {"guid": g("set/docs"), "name": "Villeurbanne health centre", "description": "Document group", "sources": [s1, s2]},
        {"guid": g("set/ctx"), "name": "Context codes", "description": "Code group",
         "codes": [c["guid"] for c in prj.codes if c["name"].startswith("C::")]},
        # Annex A (ATLAS.ti 8.4 export) carries document attributes as Sets named "gender: male", "age: 67"
        {"guid": g("set/role-gp"), "name": "role: GP", "sources": [s1]},
        {"guid": g("set/role-ph"), "name": "role: pharmacienne", "sources": [s2]},
    ]
    groups = {"C": [], "M": [], "O": []}
    for grp, n in flat:
        groups[grp].append(n)
    extra = {
        "imitates": "ATLAS.ti export habits",
        "position_convention": {
            "unit": "Unicode code points (REFI-QDA 1.5 \u00a710.2; ATLAS.ti wrote the Annex A example)",
            "crlf": "counted as ONE character although the .txt stores \\r\\n (QualCoder refi.py: 'Atlas stored correct positions ... as though it is \\n - one character. But the source.txt stores \\r\\n')",
            "end": "exclusive (Annex A example: endPosition - startPosition = length of the quoted text)",
            "key": "cp_lf",
        },
        "habits": [
            "codes flat, grouped by a name prefix with '::' (Annex A example: 'Coke::full-fat Coke', 'Coke::diet Coke'); ATLAS.ti 23 (ponte sample) nests Code elements instead",
            "upper-case GUIDs; a User named 'ATLAS.ti' with GUID C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B (Annex A and the ponte ATLAS.ti 23 samples)",
            "PlainTextSelection name = the quoted text, shortened with '\u2026' (Annex A)",
            "quotation comment as PlainTextSelection/Description (Annex A)",
            "basePath set to the export folder (Annex A)",
            "zip entries upper-case GUID + '.TXT' under 'sources/' while project.qde says '.txt' (Annex A listing; may be an artefact of how the listing was made)",
            "document group, code group and document attributes ('role: GP') as Sets (Annex A: 'gender: male', 'age: 67', 'Text files')",
        ],
        "code_groups": {"C": groups["C"], "M": groups["M"], "O": groups["O"]},
        "sets": [{"name": "Villeurbanne health centre", "sources": ["Interview 03 GP.txt", "Entretien 04 H\u00e9l\u00e8ne.txt"]},
                 {"name": "Context codes", "codes": ["C::" + n for n in groups["C"]]},
                 {"name": "role: GP", "sources": ["Interview 03 GP.txt"]},
                 {"name": "role: pharmacienne", "sources": ["Entretien 04 H\u00e9l\u00e8ne.txt"]}],
        "informants_via_sets": "no Cases/Variables: the informant's role travels as a Set named 'role: ...' (Annex A habit)",
    }
    return build(prj, name, sources, passages, "cp_lf", extra)


# ------------------------------------------------------------------------------- MAXQDA-style fixture
def maxqda_style():
    name = "maxqda_style"
    g = lambda n: guid(name + "/" + n, "lower")
    user = g("user/researcher")
    prj = Project("Peer support worker realist evaluation", "MAXQDA 24 (cmograph fixture imitating MAXQDA)",
                  user, "2024-05-06T09:00:00Z", modified="2024-05-06T09:30:00Z")
    prj.guid_style = "lower"
    prj.users = [{"guid": user, "name": "MAXQDA user"}]

    def leaf(n, color):
        return {"guid": g("code/" + n), "name": n, "codable": True, "color": color}
    prj.codes = [{"guid": g("code/CMOC"), "name": "CMOC", "codable": True, "color": "#808080", "children": [
        {"guid": g("code/CMOC1"), "name": "CMOC 1 Peer credibility", "codable": True, "color": "#ff0000",
         "description": "When a peer worker with lived experience is on the team (C), clients feel understood (M) and keep appointments (O).",
         "children": [leaf("C: Peer worker with lived experience on the team", "#ff0000"),
                      leaf("M: Clients feel understood", "#ff0000"),
                      leaf("O: Appointments kept", "#ff0000")]},
        {"guid": g("code/CMOC2"), "name": "CMOC 2 Protected time", "codable": True, "color": "#0000ff",
         "children": [leaf("C: Protected time every Thursday", "#0000ff"),
                      leaf("M: Staff time freed up", "#0000ff"),
                      leaf("O: People come back", "#0000ff")]},
    ]}]
    t1 = lf([
        "Interview 05 - community mental health nurse",
        "I: Why did the team agree to try the peer support worker role?",
        "R: We were stretched thin. Having someone with lived experience on the team freed up our time.",
        "R: Clients open up to Sam in a way they don't with us, because he has been there himself.",
        "I: What did you notice?",
        "R: More people kept their appointments, and fewer dropped out after the first month.",
    ])
    t2 = crlf([
        "Cyfweliad 06 \u2013 Llinos Pr\u0177s, cydlynydd / coordinator",
        "I: Beth oedd yn wahanol? / What was different?",
        "R: Roedd gennym ni \u201camser gwarchodedig\u201d bob dydd Iau \u2013 protected time every Thursday \U0001F64F",
        "R: Because Aur\u00e9lie the peer worker had been a service user herself, people said \u2018she gets it\u2019.",
        "R: That meant they came back. Ddaethon nhw yn \u00f4l.",
    ])
    s1, s2 = g("src/I05"), g("src/I06")
    v_inf, v_role, v_site, v_date = g("var/informant"), g("var/role"), g("var/site"), g("var/date")
    prj.variables = [{"guid": v_inf, "name": "Informant", "type": "Text"},
                     {"guid": v_role, "name": "Role", "type": "Text"},
                     {"guid": v_site, "name": "Site", "type": "Text"},
                     {"guid": v_date, "name": "Interview date", "type": "Date"}]
    # MAXQDA/Quirkos habit (QualCoder refi.py): document variables sit in a Case with no name and one SourceRef
    prj.cases = [
        {"guid": g("case/I05"), "values": [(v_inf, "TextValue", "I05"), (v_role, "TextValue", "Community mental health nurse"),
                                           (v_site, "TextValue", "Wrexham"), (v_date, "DateValue", "2024-02-14")],
         "sources": [s1]},
        {"guid": g("case/I06"), "values": [(v_inf, "TextValue", "I06 Llinos Pr\u0177s"), (v_role, "TextValue", "Coordinator"),
                                           (v_site, "TextValue", "Aberystwyth"), (v_date, "DateValue", "2024-03-01")],
         "sources": [s2]},
    ]
    sources = [
        {"key": "I05", "name": "Interview 05", "guid": s1, "stored": t1,
         "entry": "sources/%s.txt" % s1, "plain": "internal://%s.txt" % s1},
        {"key": "I06", "name": "Cyfweliad 06", "guid": s2, "stored": t2,
         "entry": "sources/%s.txt" % s2, "plain": "internal://%s.txt" % s2},
    ]
    passages = [
        {"source": "I05", "code": "C: Peer worker with lived experience on the team",
         "text": "Having someone with lived experience on the team"},
        {"source": "I05", "code": "M: Staff time freed up", "text": "freed up our time."},
        {"source": "I05", "code": "M: Clients feel understood",
         "text": "Clients open up to Sam in a way they don't with us, because he has been there himself."},
        {"source": "I05", "code": "O: Appointments kept",
         "text": "More people kept their appointments, and fewer dropped out after the first month."},
        {"source": "I06", "code": "C: Protected time every Thursday",
         "text": "\u201camser gwarchodedig\u201d bob dydd Iau \u2013 protected time every Thursday \U0001F64F"},
        {"source": "I06", "code": "M: Clients feel understood",
         "text": "Because Aur\u00e9lie the peer worker had been a service user herself, people said \u2018she gets it\u2019.\nR: That meant they came back."},
        {"source": "I06", "code": "O: People come back", "text": "Ddaethon nhw yn \u00f4l."},
        # MAXQDA habit (QualCoder refi.py): a selection with a Description and no Coding (a comment)
        {"source": "I06", "code": None, "text": "Ddaethon nhw yn \u00f4l.", "description": "Welsh: \u201cThey came back.\u201d"},
    ]
    extra = {
        "imitates": "MAXQDA export habits",
        "position_convention": {
            "unit": "Unicode code points (ASSUMPTION: the standard's unit; no source states MAXQDA's unit for non-BMP characters)",
            "crlf": "counted as ONE character although the .txt stores \\r\\n (INFERENCE: QualCoder's export offers 'Add line ending character for MAXQDA importation', rewriting \\n as \\r\\n while keeping positions that count one character per line break, so that 'codes do not shift'; that only works if MAXQDA counts a CRLF pair as one. QualCoder's importer, tested on NVivo, instead pads CRLF files from every exporter but ATLAS.ti, so the sources do not settle this)",
            "end": "exclusive",
            "key": "cp_lf",
        },
        "habits": [
            "folder 'sources/' lower case (QualCoder refi.py: 'MAXQDA uses sources')",
            "only plainTextPath on text sources (QualCoder refi.py: 'emit only plainTextPath, exactly as MAXQDA does')",
            "parent codes are codable too (older QualCoder refi.py: 'MAXQDA has categories as codes also')",
            "document variables in a Case with no name and one SourceRef (QualCoder refi.py: 'This approach is used by MAXQDA and Quirkos')",
            "a PlainTextSelection with a Description but no Coding (QualCoder refi.py NOTE: MAXQDA)",
            "CMOC grouping: a 'CMOC' code whose children are configurations, each with C:/M:/O: children",
        ],
        "code_groups": {
            "CMOC 1 Peer credibility": {"context": ["C: Peer worker with lived experience on the team"],
                                        "mechanism": ["M: Clients feel understood"],
                                        "outcome": ["O: Appointments kept"]},
            "CMOC 2 Protected time": {"context": ["C: Protected time every Thursday"],
                                      "mechanism": ["M: Staff time freed up"],
                                      "outcome": ["O: People come back"]},
        },
        "cases": [{"name": None, "informant": "I05", "role": "Community mental health nurse", "site": "Wrexham",
                   "interview_date": "2024-02-14", "sources": ["Interview 05"]},
                  {"name": None, "informant": "I06 Llinos Pr\u0177s", "role": "Coordinator", "site": "Aberystwyth",
                   "interview_date": "2024-03-01", "sources": ["Cyfweliad 06"]}],
    }
    return build(prj, name, sources, passages, "cp_lf", extra)


# ---------------------------------------------------------------------------------- hostile fixtures
SMALL_QDE = ('<?xml version="1.0" encoding="utf-8"?>\n'
             '<Project xmlns="urn:QDA-XML:project:1.0" name="hostile">\n'
             '  <CodeBook><Codes><Code guid="11111111-2222-3333-4444-555555555555" name="Context" isCodable="true"/></Codes></CodeBook>\n'
             '%s'
             '</Project>\n')
SRC_GUID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def small_qde(sources_xml="", description=None):
    body = sources_xml
    if description is not None:
        body += "  <Description>%s</Description>\n" % description
    return (SMALL_QDE % body).encode("utf-8")


def text_source(path):
    return ('  <Sources><TextSource guid="%s" name="t" plainTextPath="%s">'
            '<PlainTextSelection guid="bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee" startPosition="0" endPosition="5">'
            '<Coding guid="cccccccc-bbbb-cccc-dddd-eeeeeeeeeeee"><CodeRef targetGUID="11111111-2222-3333-4444-555555555555"/></Coding>'
            '</PlainTextSelection></TextSource></Sources>\n' % (SRC_GUID, path))


def write_bomb_entry(z, name, total, chunk=b"\0" * (1 << 20), xml_prefix=None, xml_suffix=None):
    zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o644 << 16
    with z.open(zi, "w", force_zip64=True) as f:
        n = 0
        if xml_prefix:
            f.write(xml_prefix)
            n += len(xml_prefix)
        while n < total:
            k = min(len(chunk), total - n)
            f.write(chunk[:k])
            n += k
        if xml_suffix:
            f.write(xml_suffix)


def hostile(make_bomb=True):
    os.makedirs(HOST, exist_ok=True)
    out = []

    def add(fname, what, expect):
        out.append({"file": fname, "what": what, "importer_should": expect})

    big = 1_100_000_000 + 7  # > 1 GB uncompressed
    if make_bomb:
        path = os.path.join(HOST, "zipbomb_source.qdpx")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            zi = zipfile.ZipInfo("project.qde", date_time=ZIP_DATE)
            zi.external_attr = 0o644 << 16
            z.writestr(zi, small_qde(text_source("internal://%s.txt" % SRC_GUID)), compress_type=zipfile.ZIP_DEFLATED)
            write_bomb_entry(z, "sources/%s.txt" % SRC_GUID, big, chunk=b"a" * (1 << 20))
        path = os.path.join(HOST, "zipbomb_qde.qdpx")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            pre = small_qde()[:-len(b"</Project>\n")]
            # >1 GB of whitespace inside the root element: well-formed, XSD-irrelevant, huge
            write_bomb_entry(z, "project.qde", big, chunk=b" " * (1 << 20), xml_prefix=pre, xml_suffix=b"</Project>\n")
    add("zipbomb_source.qdpx", "about 1 MB zip; sources/<guid>.txt inflates to 1,100,000,007 bytes ('a' repeated), ZIP64 sizes",
        "refuse before inflating: check declared sizes and total/ratio limits, and count bytes while inflating (declared sizes can lie)")
    add("zipbomb_qde.qdpx", "about 1 MB zip; project.qde inflates to >1.1 GB (whitespace inside <Project>)",
        "refuse: cap the size of project.qde read into the XML parser")

    write_zip(os.path.join(HOST, "zip_slip_dotdot.qdpx"), [
        ("project.qde", small_qde(text_source("internal://%s.txt" % SRC_GUID))),
        ("sources/%s.txt" % SRC_GUID, b"hello world\n"),
        ("../../cmograph_zip_slip_poc.txt", b"written outside the extraction folder\n"),
        ("sources/../../../cmograph_zip_slip_poc2.txt", b"written outside the extraction folder\n"),
    ])
    add("zip_slip_dotdot.qdpx", "entries '../../cmograph_zip_slip_poc.txt' and 'sources/../../../cmograph_zip_slip_poc2.txt'",
        "refuse (or skip) any entry whose normalised path leaves the archive root; never extract it")

    write_zip(os.path.join(HOST, "absolute_entry.qdpx"), [
        ("project.qde", small_qde(text_source("internal://%s.txt" % SRC_GUID))),
        ("sources/%s.txt" % SRC_GUID, b"hello world\n"),
        ("/tmp/cmograph_absolute_entry_poc.txt", b"absolute path entry\n"),
        ("C:/Windows/Temp/cmograph_absolute_entry_poc.txt", b"drive-letter entry\n"),
        ("sources\\..\\..\\cmograph_backslash_poc.txt", b"backslash traversal entry\n"),
    ])
    add("absolute_entry.qdpx", "entries '/tmp/cmograph_absolute_entry_poc.txt', 'C:/Windows/Temp/...', and 'sources\\..\\..\\...' (backslashes)",
        "refuse absolute, drive-letter and backslash-traversal entry names")

    write_zip(os.path.join(HOST, "path_traversal_in_qde.qdpx"), [
        ("project.qde", small_qde(text_source("internal://../../../../etc/passwd"))),
    ])
    add("path_traversal_in_qde.qdpx", "plainTextPath='internal://../../../../etc/passwd'",
        "resolve internal:// names only inside the archive's sources folder; refuse names with '/', '\\\\' or '..'")

    write_zip(os.path.join(HOST, "absolute_source_path.qdpx"), [
        ("project.qde", small_qde(text_source("absolute:///etc/passwd"))),
    ])
    add("absolute_source_path.qdpx", "plainTextPath='absolute:///etc/passwd' (legal in the standard for external sources)",
        "never read files outside the archive unless the user names them; report the source as external/missing")

    xxe = ('<?xml version="1.0" encoding="utf-8"?>\n'
           '<!DOCTYPE Project [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="xxe">\n'
           '  <Description>&xxe;</Description>\n</Project>\n').encode()
    write_zip(os.path.join(HOST, "xxe_file.qdpx"), [("project.qde", xxe)])
    add("xxe_file.qdpx", "DOCTYPE declares external entity xxe = file:///etc/passwd, used in <Description>",
        "refuse any DOCTYPE (or at least never resolve external entities)")

    xxe2 = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<!DOCTYPE Project SYSTEM "http://127.0.0.1:9/cmograph-evil.dtd">\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="xxe-dtd"/>\n').encode()
    write_zip(os.path.join(HOST, "xxe_external_dtd.qdpx"), [("project.qde", xxe2)])
    add("xxe_external_dtd.qdpx", "external DTD at http://127.0.0.1:9/ (loopback, discard port)",
        "refuse the DOCTYPE; never fetch a DTD")

    lol = ['<?xml version="1.0" encoding="utf-8"?>', '<!DOCTYPE Project [', ' <!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = "lol" if i == 1 else "lol%d" % (i - 1)
        lol.append(' <!ENTITY lol%d "%s">' % (i, ("&%s;" % prev) * 10))
    lol += [']>', '<Project xmlns="urn:QDA-XML:project:1.0" name="lol">', '  <Description>&lol9;</Description>',
            '</Project>', '']
    write_zip(os.path.join(HOST, "billion_laughs.qdpx"), [("project.qde", "\n".join(lol).encode())])
    add("billion_laughs.qdpx", "nested internal entities lol1..lol9 (10^9 'lol' on expansion)",
        "refuse any DOCTYPE / entity declaration; never expand")

    with open(os.path.join(HOST, "not_a_zip.qdpx"), "wb") as f:
        f.write(b"This is not a zip archive; it is a text file renamed to .qdpx.\n")
    add("not_a_zip.qdpx", "plain text renamed .qdpx", "refuse with 'not a QDPX (zip) file'")

    good = io.BytesIO()
    write_zip(good, [("project.qde", small_qde()), ("sources/%s.txt" % SRC_GUID, b"hello world\n" * 200)])
    data = good.getvalue()
    with open(os.path.join(HOST, "truncated_zip.qdpx"), "wb") as f:
        f.write(data[: len(data) // 2])
    add("truncated_zip.qdpx", "first half of a valid .qdpx (no central directory)", "refuse with a clear message, no traceback")

    write_zip(os.path.join(HOST, "no_project_qde.qdpx"), [("sources/%s.txt" % SRC_GUID, b"hello\n")])
    add("no_project_qde.qdpx", "valid zip without project.qde", "refuse: 'no project.qde in the archive'")

    with zipfile.ZipFile(os.path.join(HOST, "duplicate_project_qde.qdpx"), "w") as z:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for nm_ in ("first", "second"):
                zi = zipfile.ZipInfo("project.qde", date_time=ZIP_DATE)
                zi.external_attr = 0o644 << 16
                z.writestr(zi, (SMALL_QDE.replace('name="hostile"', 'name="%s"' % nm_) % "").encode(),
                           compress_type=zipfile.ZIP_DEFLATED)
    add("duplicate_project_qde.qdpx", "two entries named project.qde with different contents",
        "refuse ambiguous archives (duplicate names, or names equal ignoring case)")

    bad = ('<?xml version="1.0" encoding="utf-8"?>\n'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="invalid">\n'
           '  <CodeBook><Codes>\n'
           '    <Code guid="not-a-guid" name="Context"/>\n'
           '  </Codes></CodeBook>\n'
           '  <Sources><TextSource guid="%s" name="t" plainTextPath="internal://%s.txt">\n'
           '    <PlainTextSelection guid="bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee" startPosition="ten"/>\n'
           '  </TextSource></Sources>\n'
           '  <Unknown/>\n'
           '</Project>\n' % (SRC_GUID, SRC_GUID)).encode()
    write_zip(os.path.join(HOST, "invalid_schema.qdpx"), [("project.qde", bad),
                                                         ("sources/%s.txt" % SRC_GUID, b"hello world\n")])
    add("invalid_schema.qdpx", "well-formed XML that breaks the XSD: GUID 'not-a-guid', Code without isCodable, "
        "startPosition='ten', no endPosition, unknown element <Unknown/>",
        "refuse and list each XSD violation with its line")

    oob = small_qde(('  <Sources><TextSource guid="%s" name="t" plainTextPath="internal://%s.txt">'
                     '<PlainTextSelection guid="bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee" startPosition="40" endPosition="5000">'
                     '<Coding guid="cccccccc-bbbb-cccc-dddd-eeeeeeeeeeee"><CodeRef targetGUID="11111111-2222-3333-4444-555555555555"/></Coding>'
                     '</PlainTextSelection>'
                     '<PlainTextSelection guid="dddddddd-bbbb-cccc-dddd-eeeeeeeeeeee" startPosition="8" endPosition="2">'
                     '<Coding guid="eeeeeeee-bbbb-cccc-dddd-eeeeeeeeeeee"><CodeRef targetGUID="99999999-2222-3333-4444-555555555555"/></Coding>'
                     '</PlainTextSelection></TextSource></Sources>\n') % (SRC_GUID, SRC_GUID))
    write_zip(os.path.join(HOST, "positions_out_of_range.qdpx"), [("project.qde", oob),
                                                                 ("sources/%s.txt" % SRC_GUID, b"hello world\n")])
    add("positions_out_of_range.qdpx", "XSD-valid, but one selection ends past the text (5000 > 12), one has start > end, "
        "and a CodeRef points at a GUID that is no code",
        "report each bad selection and dangling reference; never slice silently")

    depth = 100_000
    deep = ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="deep"><CodeBook><Codes>'
            + "".join('<Code guid="%08x-0000-0000-0000-000000000000" name="c%d" isCodable="true">' % (i, i) for i in range(depth))
            + "</Code>" * depth + "</Codes></CodeBook></Project>\n").encode()
    write_zip(os.path.join(HOST, "deep_code_nesting.qdpx"), [("project.qde", deep)])
    add("deep_code_nesting.qdpx", "100,000 nested <Code> elements (XSD-valid; about 7 MB of XML)",
        "walk the code tree without recursion limits blowing up, or refuse beyond a sane depth")

    with open(os.path.join(HOST, "HOSTILE.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return out


if __name__ == "__main__":
    os.makedirs(FIX, exist_ok=True)
    nvivo_style()
    atlas_style()
    maxqda_style()
    hostile(make_bomb="--no-bomb" not in sys.argv)
    print("fixtures written to", FIX, "and", HOST)
