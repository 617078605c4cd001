#!/usr/bin/env python3
"""Rebuild the CMOC table fixtures in this folder from the verbatim transcriptions below.

Run from anywhere:  python tests/data/tables/make_tables.py
Needs openpyxl (xlsx) and, for the .ods, LibreOffice (soffice) on PATH; without soffice the
.ods is written with odfpy instead (same cells, no merged-cell spans). The .csv, .tsv, .xlsx and
.expected.json files come out byte-identical on every run; the .ods carries LibreOffice's metadata.

Every cell text below is copied verbatim from the stored copy of the published table (see README.md
for each source and which rows were taken). Nothing here is invented; ids that the paper does not
print are null in the expected JSON.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def rezip_fixed(data):
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' with the current time
                import re
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2024-01-01T00:00:00Z\g<2>", data)
            z.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def write_expected(name, rows):
    with open(os.path.join(HERE, name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False, indent=2)
        f.write("\n")


# ---------------------------------------------------------------------------------------------
# 1. Francis-Coad et al. 2018, BMC Health Serv Res 18:21, Table 2 (rows CCMO 1-6)
#    CSV, comma, UTF-8 (no BOM), LF; one title row above a researcher-added header; the level
#    is printed only on the first row of its group (needs --fill-down).
# ---------------------------------------------------------------------------------------------
FC_TITLE = "Table 2 Conjectured context-mechanism-outcome configurations"
FC = [
    ("Member Level", "CCMO 1",
     "Members who demonstrated higher levels of falls prevention knowledge and awareness (psychological capability) and felt they needed to action fall prevention strategies enough (reflective motivation), better engaged with other site staff to enable implementation of falls prevention strategies"),
    ("Member Level", "CCMO 2",
     "Members who participated more in CoP social learning opportunities, connected to experts, gained confidence and credibility and were motivated to make a greater contribution to falls prevention change at their facility"),
    ("Member Level", "CCMO 3",
     "Membership of a CoP enabled new and more frequent interdisciplinary connections to develop serving as a resource for guidance and reduced professional isolation within the organisation, when time to participate was supported by facility managers"),
    ("RAC facility level", "CCMO 4",
     "Facility visiting GPs who related to RAC staff (particularly CoP members and Nurse Practitioners) as credible peers and advocated for the recommended evidence significantly improved their proportion of residents supplemented with vitamin D"),
    ("RAC facility level", "CCMO 5",
     "Falls prevention programs were best implemented and adopted by frontline staff when the resident\u2019s prevention strategies were prompted in novel ways and documentation of strategy enactment was made accountable by care managers"),
    ("RAC facility level", "CCMO 6",
     "Higher levels of care manager support, through realisation and prioritisation for staff to participate as CoP members and action falls prevention at their facility, enabled the implementation of evidence based practices"),
]


def make_francis_coad():
    name = "francis-coad2018_table2"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([FC_TITLE, "", ""])
    w.writerow(["Level", "ID", "Conjectured CMO configuration"])
    last = None
    for level, cid, text in FC:
        w.writerow([level if level != last else "", cid, text])
        last = level
    with open(os.path.join(HERE, name + ".csv"), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    write_expected(name, [
        {"id": cid, "context": [], "mechanism": [], "outcome": [], "configuration": text, "level": level}
        for level, cid, text in FC])


# ---------------------------------------------------------------------------------------------
# 2. Handley, Bunn & Goodman 2017, BMJ Open 7:e015257, Table 3 (first two brief titles, 4 CMOCs)
#    ';'-separated CSV as saved by a European-locale Excel: Windows-1252, CRLF, title row,
#    brief title printed once per group (needs --fill-down). References column not readable in
#    the stored copy, so left out.
# ---------------------------------------------------------------------------------------------
HA_TITLE = "Table 3 Context\u2013mechanism\u2013outcome configurations and supporting evidence"
HA_HEAD = ["Brief title", "Full context\u2013mechanism\u2013outcome configuration"]
HA = [
    ("Understanding behaviour as communication to improve staff\u2019s ability to respond",
     "Where behaviours that challenge are understood as communication of an unmet need (context), through training, resources and support from experts in dementia care (mechanism resource), staff will feel they have improved capacity and capability to influence the situation (mechanism reasoning), making it more likely they will identify and address the need (outcome)."),
    ("Understanding behaviour as communication to improve staff\u2019s ability to respond",
     "Conflicting work demands, patient characteristics (context) and staffing resources (mechanism resource) may lead staff to feel they are unable to make a difference (mechanism reasoning), meaning patient need might not be recognised, investigated or addressed (outcome)."),
    ("The role of experiential learning and creating empathy to encourage reflection for responsibilities of care",
     "Access to training (context) that promotes experiential learning and empathy towards people living with dementia (mechanism resource) can encourage reflection that identifies deficiencies in current working practices, helping staff to understand their responsibilities for care (mechanism reasoning) and leading them to take more time with people living with dementia (outcome)."),
    ("The role of experiential learning and creating empathy to encourage reflection for responsibilities of care",
     "Where good dementia care practices (mechanism resource) are not considered legitimate working practices (context), staff may consider these practices as additional to their workload (mechanism reasoning), leading to inconsistent provision of care (outcome)."),
]


def make_handley():
    name = "handley2017_table3_semicolon"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow([HA_TITLE, ""])
    w.writerow(HA_HEAD)
    last = None
    for title, text in HA:
        w.writerow([title if title != last else "", text])
        last = title
    with open(os.path.join(HERE, name + ".csv"), "wb") as f:
        f.write(buf.getvalue().encode("cp1252"))  # every character used exists in cp1252
    write_expected(name, [
        {"id": None, "row": i + 1, "context": [], "mechanism": [], "outcome": [], "configuration": text,
         "brief_title": title}
        for i, (title, text) in enumerate(HA)])


# ---------------------------------------------------------------------------------------------
# 3. Luetsch, Rowett & Twigg 2021, BMJ Qual Saf 30(5):418-430, Table 5 (group
#    "CMOCs—participation", rows 1-5). xlsx: title merged across, group cell merged down,
#    several items per cell separated by line breaks (Alt+Enter).
# ---------------------------------------------------------------------------------------------
LU_TITLE = "Table 5 CMOCs for final programme theory"
LU_GROUP = "CMOCs\u2014participation"
LU_HEAD = ["Group", "CMOC", "Context", "Mechanism", "Outcomes when M present", "Outcomes when M not present"]
LU = [
    ("1",
     ["Recruitment: time point and location (community pharmacy (CP), hospital, clinic) of patient recruitment for participation.",
      "Organisational support for recruitment."],
     ["M1: mandate, perception of benefit by recruiters.",
      "M3: patients trust HCPs who recommends MR.",
      "M10: pharmacists or designated recruiters take responsibility for identifying and consenting patients."],
     ["O1: patients provide informed consent to participate in MR.17\u201319 53 65 66"],
     ["O2: patient recruitment/participation rates are low.37 42"]),
    ("2",
     ["Patients\u2019 experience and attitudes to pharmacists\u2019 clinical role."],
     ["M3: trust in pharmacist skill.",
      "M5: perception of benefit from pharmacist-led MR by patients."],
     ["O1: acceptance of referral to and participation in pharmacist-led MR.37"],
     ["O2: low rates of referral to and participation in pharmacist-led MR.36 46 53",
      "O3: patients seek out specialists, GP or community pharmacist to address concerns or concerns are not met.37"]),
    ("3",
     ["Awareness of MR programmes and referral pathways by healthcare professionals."],
     ["M4: recognition of pharmacists\u2019 clinical and professional role by HCPs.",
      "M5: pharmacists, doctors, other HCPs perceive benefit of an MR."],
     ["O4: increased referral to and/or uptake of MR.49 51 57 65 66"],
     ["O5: low referral and/or uptake of MR.37\u201339 53 71\u201373"]),
    ("4",
     ["Systems and organisational structures support MR and facilitate its role integration."],
     ["M1: mandate to perform MR.",
      "M4: recognition and acceptance of MR by pharmacists as professional role.",
      "M5: pharmacists\u2019 perceive benefit from MR for patients and their professional standing."],
     ["O6: pharmacists perform MR as part of their routine practice.18\u201321 45 48 53 57"],
     ["O7: pharmacists do not perform MR as part of routine practice.40 42"]),
    ("5",
     ["Location of MR appointment."],
     ["M2: less effort required.",
      "M6: patient preferences."],
     ["O1: patients participate in MR.17 23 76"],
     ["O2: patients decline to participate in MR.37 38 40 41 52 74 75"]),
]


def make_luetsch():
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    name = "luetsch2021_table5"
    wb = Workbook()
    ws = wb.active
    ws.title = "Table 5"
    ws["A1"] = LU_TITLE
    ws["A1"].font = Font(bold=True)
    ws.merge_cells("A1:F1")
    for col, h in enumerate(LU_HEAD, start=1):
        c = ws.cell(row=2, column=col, value=h)
        c.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, (cid, ctx, mech, opres, oabs) in enumerate(LU):
        r = 3 + i
        ws.cell(row=r, column=2, value=int(cid))  # typed as a number, as Excel would store "1"
        for col, items in ((3, ctx), (4, mech), (5, opres), (6, oabs)):
            c = ws.cell(row=r, column=col, value="\n".join(items))
            c.alignment = wrap
    ws["A3"] = LU_GROUP
    ws["A3"].alignment = Alignment(vertical="center", wrap_text=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=2 + len(LU), end_column=1)
    for col, width in zip("ABCDEF", (16, 7, 45, 45, 40, 40), strict=True):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "cmograph fixture"
    import datetime
    fixed = datetime.datetime(2024, 1, 1, 0, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    with open(os.path.join(HERE, name + ".xlsx"), "wb") as f:
        f.write(rezip_fixed(buf.getvalue()))  # fixed entry dates: byte-identical on every run
    write_expected(name, [
        {"id": cid, "context": ctx, "mechanism": mech, "outcome": opres,
         "outcome_when_mechanism_absent": oabs, "group": LU_GROUP}
        for cid, ctx, mech, opres, oabs in LU])


# ---------------------------------------------------------------------------------------------
# 4. Bunn et al. 2018, BMC Geriatrics 18:303, Table 3 (CMO1 and CMO2). .ods laid out like the
#    paper: per configuration a title row (merged across), a repeated Context/Mechanism/Outcome
#    header row, then one row of cells holding bulleted lists ("• " items on separate lines).
# ---------------------------------------------------------------------------------------------
BU_TITLE = "Table 3 Overview of three final context-mechanism-outcome configuration"
BU = [
    ("CMO1",
     "Namaste Care provides regular, structured access to social and physical stimulation for people living with advanced dementia",
     ["Namaste Care provides access to social and physical stimulation through a routine/structure consisting of:",
      "Designated space", "Considered timing", "Regular skilled facilitator", "Repetition of intervention",
      "Social interaction", "Regular drinks and snacks"],
     ["Residents: familiarity, consistency, reassurance, recognition",
      "Trust develops between residents and carers",
      "Namaste Care is seen by staff as a core activity",
      "Staff are \u2018intentionally present\u2019 with residents",
      "Staff given permission to engage"],
     ["Decrease in agitation/behavioural symptoms/anxiety", "Improvements in mood",
      "Intervention become part of care home routine", "Staff satisfaction"]),
    ("CMO2",
     "Namaste Care equips staff to work with people with complex behaviours and variable responses",
     ["Namaste Care is delivered through a multi-sensory experience (effect) that provides a \u2018toolkit\u2019 of activities (resource) for staff"],
     ["Residents are soothed and relaxed by multi-sensory experience",
      "Residents feel stimulated through multiple interactions",
      "Staff notice/are more responsive to the needs of residents",
      "Moments of connection are created between staff and residents"],
     ["Agitation/behavioural symptoms", "Anxiety", "Mood"]),
]


def bunn_cell(items, lead_in_unbulleted):
    if lead_in_unbulleted:
        return "\n".join([items[0]] + [" \u2022 " + x for x in items[1:]])
    return "\n".join("\u2022 " + x for x in items)


def bunn_rows():
    rows = [[BU_TITLE, "", ""]]
    merges = [(0, 0, 2)]
    for cid, title, ctx, mech, out in BU:
        merges.append((len(rows), 0, 2))
        rows.append([cid + ": " + title, "", ""])
        rows.append(["Context", "Mechanism", "Outcome"])
        # CMO1's context is a lead-in sentence followed by indented bullets, as printed;
        # CMO2's context is a single unbulleted sentence.
        rows.append([bunn_cell(ctx, True) if len(ctx) > 1 else ctx[0],
                     bunn_cell(mech, False), bunn_cell(out, False)])
    return rows, merges


def make_bunn():
    name = "bunn2018_table3"
    rows, merges = bunn_rows()
    out_path = os.path.join(HERE, name + ".ods")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment
        wb = Workbook()
        ws = wb.active
        ws.title = "Table 3"
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v != "":
                    cell = ws.cell(row=r, column=c, value=v)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, c0, c1 in merges:
            ws.merge_cells(start_row=r + 1, start_column=c0 + 1, end_row=r + 1, end_column=c1 + 1)
        with tempfile.TemporaryDirectory() as td:
            src = os.path.join(td, name + ".xlsx")
            wb.save(src)
            env = dict(os.environ, HOME=td)  # private LibreOffice profile
            subprocess.run([soffice, "--headless", "--norestore", "--convert-to", "ods", "--outdir", td, src],
                           check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
            shutil.copyfile(os.path.join(td, name + ".ods"), out_path)
    else:
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableCell, TableRow
        from odf.text import P
        doc = OpenDocumentSpreadsheet()
        t = Table(name="Table 3")
        for row in rows:
            tr = TableRow()
            for v in row:
                tc = TableCell(valuetype="string") if v else TableCell()
                for line in v.split("\n") if v else []:
                    tc.addElement(P(text=line))
                tr.addElement(tc)
            t.addElement(tr)
        doc.spreadsheet.addElement(t)
        doc.save(out_path)
    write_expected(name, [
        {"id": cid, "title": title, "context": ctx, "mechanism": mech, "outcome": out}
        for cid, title, ctx, mech, out in BU])


# ---------------------------------------------------------------------------------------------
# 5. Bosongo et al. 2024, Health Res Policy Syst, Table 3 ICAMO configurations (rows 1-5).
#    TSV, UTF-8, LF, numeric ids, level repeated on every row, "Actors" = for whom,
#    several items per cell separated by "; ".
# ---------------------------------------------------------------------------------------------
BO_TITLE = "Table 3 ICAMO configurations"
BO_HEAD = ["No.", "Level", "Intervention", "Context", "Actors", "Mechanisms", "Outcomes"]
ELE = "Enabling learning environment (judgement-free, fault-accepting, non-threatening and less hierarchical)"
CPS = "Competent PHA staff (good management, facilitation and relational skills)"
BO = [
    ("1", "At the PHA level", "Adequate training of PHA staff",
     ["Supportive leadership (good work climate and promotion of positive values)", "Availability of adequate resources"],
     "PHA staff", ["Self-efficacy \u2013 motivation"], ["Improved competencies of PHA staff"]),
    ("2", "At the PHA level", "Regular meetings for technical support visits",
     ["Supportive leadership", "Safe conversational space", "Less hierarchical management culture"],
     "PHA staff", ["Psychological safety", "Reflexivity"],
     ["Improved competencies through individual and collective learning"]),
    ("3", "At the interface between PHA staff and DHMT members", "Needs-driven or personalised support",
     [ELE, "Optimal integration of vertical programmes"],
     "DHMT members", ["Positive perceived support\u2019s relevance"],
     ["Improved competences through active participation"]),
    ("4", "At the interface between PHA staff and DHMT members", "Problem-solving \u2013 centred support",
     [ELE, CPS], "DHMT members", ["Positive perceived credibility of PHA staff", "Trust in PHA staff"],
     ["Improved competences through active participation"]),
    ("5", "At the interface between PHA staff and DHMT members", "Reflection \u2013 stimulating support",
     [ELE, CPS], "DHMT members", ["Psychological safety", "Reflexivity"],
     ["Improved competences through individual and collective learning"]),
]


def make_bosongo():
    name = "bosongo2024_table3"
    lines = ["\t".join(BO_HEAD)]
    for cid, level, interv, ctx, actors, mech, out in BO:
        lines.append("\t".join([cid, level, interv, "; ".join(ctx), actors, "; ".join(mech), "; ".join(out)]))
    with open(os.path.join(HERE, name + ".tsv"), "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")
    write_expected(name, [
        {"id": cid, "context": ctx, "mechanism": mech, "outcome": out, "for_whom": [actors],
         "intervention": interv, "level": level}
        for cid, level, interv, ctx, actors, mech, out in BO])


# ---------------------------------------------------------------------------------------------
# 6. Bryne et al. 2022, BMC Health Serv Res 22:533, Table 3 (Numbers 1 and 2).
#    "CSV UTF-8" as Excel writes it: BOM, CRLF between records, a bare LF inside a quoted cell
#    that holds two paragraphs; the id and the programme theory share one cell.
# ---------------------------------------------------------------------------------------------
BR_TITLE = "Table 3 Context-mechanisms-outcome configurations (CMOCs): The building blocks for programme theories"
BR_HEAD = ["CMOC", "Context", "Mechanism", "Outcome"]
BR = [
    ("Number 1, relates to programme theory 1", "1", "1",
     ["TADA is a state-funded service. It delivers both anxiety treatment and dental restoration. For many of these patients, the cost of dental restoration is unaffordable. The 2020 annual budget for the service was 85 million Norwegian kroners (around 8 million euros)."],
     ["Increased accessibility: a vulnerable group can access services they would otherwise be unable to afford. This makes it easier for these patients to improve their oral health.",
      "Altered focus: The service shifts from private to public."],
     ["An immediate outcome for patients is increased accessibility to services and hence increased service uptake. There are ripple effects for patients including improved quality of life."]),
    ("Number 2, relates to programme theory 2", "2", "2",
     ["National guidelines set by the Norwegian government are open to interpretation. Some patients are in difficult life situations and may not always benefit from the full CBT dimension of the TADA service. Patients are heterogeneous in character."],
     ["The TADA teams tailor their approach by learning what the patient needs and they search for local resources in order to meet these needs."],
     ["The service delivers treatment, improving the oral health of patients who follow the service pathway. Not all patients meet the clinical assessment criteria for of alleviation of dental anxiety."]),
]


def make_bryne():
    name = "bryne2022_table3"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([BR_TITLE, "", "", ""])
    w.writerow(BR_HEAD)
    for label, _cid, _theory, ctx, mech, out in BR:
        w.writerow([label, "\n".join(ctx), "\n".join(mech), "\n".join(out)])
    with open(os.path.join(HERE, name + ".csv"), "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())
    write_expected(name, [
        {"id": cid, "context": ctx, "mechanism": mech, "outcome": out, "theory": theory, "label": label}
        for label, cid, theory, ctx, mech, out in BR])


if __name__ == "__main__":
    make_francis_coad()
    make_handley()
    make_luetsch()
    make_bunn()
    make_bosongo()
    make_bryne()
    print("tables written to", HERE)
