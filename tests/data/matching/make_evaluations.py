"""Write evaluations/*.yaml: one evidence file per published paper of elements.tsv that prints configurations.

Every label is the paper's own wording, copied verbatim into elements.tsv (see SOURCES.md). How the elements are put
together into configurations is ours, from where each was printed (the `where` column): the elements printed in one
row or configuration of a table form one configuration; in Luetsch et al. the first outcome of a row is the one when
the mechanism is present and the others are the outcomes when it is absent (a configuration whose mechanism was not
triggered); in Kirk et al. (one table of four rows, each a context, a resource, a reasoning and an outcome) row k
holds the k-th of each. Elements the paper names only in its abstract are listed, in no configuration.

    python tests/data/matching/make_evaluations.py
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAPERS = {  # key in elements.tsv -> (evaluation id, title, year, design, DOI)
    "luetsch2021": ("luetsch-2021", "A realist synthesis of pharmacist-conducted medication reviews in primary care "
                    "after leaving hospital: what works for whom and why?", 2021, "realist-synthesis",
                    "10.1136/bmjqs-2020-011418"),
    "radcliffe2023": ("radcliffe-2023", "What makes a multidisciplinary medication review and deprescribing "
                      "intervention for older people work well in primary care? A realist review and synthesis",
                      2023, "realist-review", "10.1186/s12877-023-04256-8"),
    "howe2024": ("howe-2024", "A realist review of medication optimisation of community dwelling service users "
                 "with serious mental illness", 2024, "realist-review", "10.1136/bmjqs-2023-016615"),
    "thompson2023": ("thompson-2023", "Focusing a realist evaluation of peer support for paediatric mental health",
                     2023, "realist-evaluation", "10.1007/s44192-023-00045-2"),
    "flynn2021": ("flynn-2021", "Contextual factors and mechanisms that influence sustainability: a realist "
                  "evaluation of two scaled, multi-component interventions", 2021, "realist-evaluation",
                  "10.1186/s12913-021-07214-5"),
    "hobbs2020": ("hobbs-2020", "Realist evaluation of public engagement and involvement in data-intensive health "
                  "research", 2020, "realist-evaluation", "10.1186/s40900-020-00215-4"),
    "kirk2024": ("kirk-2024", "How do oilcloth sessions work? A realist evaluation approach to exploring ripple "
                 "effects in an implementation strategy", 2024, "realist-evaluation", "10.1108/JHOM-01-2023-0022"),
    "taylor2024": ("taylor-2024", "Care Under Pressure 2: a realist synthesis of causes and interventions to "
                   "mitigate psychological ill health in nurses, midwives and paramedics", 2024, "realist-synthesis",
                   None),
    "pearce2021": ("pearce-2021", "Supporting bereavement and complicated grief in primary care: a realist review",
                   2021, "realist-review", "10.3399/BJGPO.2021.0008"),
}
KINDS = {"context": "contexts", "mechanism": "mechanisms", "outcome": "outcomes"}


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def local(element_id: str) -> str:
    return element_id.split("-", 1)[1].lower()  # LUE-M4 -> m4


def configurations(source: str, rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """The configurations of one paper, from the rows printed together (see the module docstring)."""
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row["where"].startswith("Abstract"):
            continue
        groups[re.sub(r"\s*\(.*\)$", "", row["where"])][row["kind"]].append(local(row["id"]))
    out: list[dict[str, object]] = []
    for n, (where, kinds) in enumerate(groups.items(), 1):
        c, m, o = kinds["context"], kinds["mechanism"], kinds["outcome"]
        if not (c and m and o):
            continue
        if source == "kirk2024":
            out += [{"id": f"row-{k + 1}", "context": [c[k]], "mechanism": m[2 * k:2 * k + 2], "outcome": [o[k]],
                     "note": f"{where}, row {k + 1}"} for k in range(len(c))]
        elif source == "luetsch2021":
            out.append({"id": f"cmoc-{n}", "context": c, "mechanism": m, "outcome": o[:1], "note": where})
            out.append({"id": f"cmoc-{n}-absent", "context": c, "mechanism": m, "outcome": o[1:], "note": where,
                        "activated": False})
        else:
            out.append({"id": f"cmoc-{n}", "context": c, "mechanism": m, "outcome": o, "note": where})
    return out


def write(source: str, rows: list[dict[str, str]]) -> None:
    eid, title, year, design, doi = PAPERS[source]
    lines = [f"# Real wording: every label is copied verbatim from {source} (see ../SOURCES.md); how they are put",
             "# together into configurations is ours (see ../make_evaluations.py). Written by make_evaluations.py.",
             "cmograph: 1", "", "evaluation:", f"  id: {eid}", f"  title: {quoted(title)}", f"  year: {year}",
             f"  design: {design}"]
    if doi:
        lines.append(f"  doi: {quoted(doi)}")
    for kind, section in KINDS.items():
        lines += ["", f"{section}:"]
        for row in rows:
            if row["kind"] == kind:
                lines += [f"  - id: {local(row['id'])}", f"    label: {quoted(row['label'])}"]
    lines += ["", "cmocs:"]
    for cmoc in configurations(source, rows):
        lines.append(f"  - id: {cmoc['id']}")
        for key in ("context", "mechanism", "outcome"):
            lines.append(f"    {key}: [{', '.join(cmoc[key])}]")  # type: ignore[arg-type]
        if cmoc.get("activated") is False:
            lines.append("    mechanism_activated: false")
        lines += ["    evidence:", "      - method: literature", f"        refs: {quoted(str(cmoc['note']))}"]
    (HERE / "evaluations" / f"{eid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    by_source: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(HERE / "elements.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            by_source[row["source"]].append(row)
    (HERE / "evaluations").mkdir(exist_ok=True)
    for source in PAPERS:
        write(source, by_source[source])


if __name__ == "__main__":
    main()
