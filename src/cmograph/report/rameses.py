"""The RAMESES II reporting standards for realist evaluations (Wong et al., BMC Medicine 2016;14:96): which of
the 20 items the data can support, and where the report supports them; the others are for the authors to write."""

from __future__ import annotations

from dataclasses import dataclass

from cmograph.report.collect import Report


@dataclass(frozen=True)
class Item:
    """One reporting item, and the section of the report that supports it (``None``: the data cannot)."""

    number: int
    name: str
    section: str | None
    how: str


def items(report: Report) -> list[Item]:
    """The 20 items, each with what in ``report`` supports it, if anything does."""
    theories = any(c.leads_to for c in report.configurations.values()) or bool(report.derivations)
    sited = any(s.configurations for s in report.sites)
    listed: list[tuple[str, str | None, str]] = [
        ("Title", "evaluations", "the evaluations' titles (the report's own title is yours to write)"),
        ("Summary or abstract", None, "an abstract is not in the data"),
        ("Rationale for evaluation", None, "the purpose of the evaluation is not in the data"),
        ("Programme theory", "configurations", "the configurations" + (", their chains and derivations" if theories
                                                                      else "") + ", as diagrams"),
        ("Evaluation questions, objectives and focus", None, "the evaluation questions are not in the data"),
        ("Ethical approval", None, "ethical approval is not in the data"),
        ("Rationale for using realist evaluation", None, "the reasons for a realist design are not in the data"),
        ("Environment surrounding the evaluation", "sites" if report.sites else None,
         "the sites, with their setting and 5 Ps where recorded" if report.sites else "no site is recorded"),
        ("Describe the programme policy, initiative or product evaluated", "evaluations",
         "the programme each evaluation evaluated"),
        ("Describe and justify the evaluation design", "evaluations",
         "each evaluation's design (its justification is not in the data)"),
        ("Data collection methods", "confidence", "the evidence items by method, per concept"),
        ("Recruitment process and sampling strategy", None, "recruitment and sampling are not in the data"),
        ("Data analysis", "reviews" if report.derivations else None,
         "the synthesis judgements (Pawson's operations) behind derived configurations" if report.derivations
         else "how the data were analysed is not in the data"),
        ("Details of participants", "sites" if sited else None,
         "the groups configurations concern, and each site's case study" if sited
         else "participants are not described in the data"),
        ("Main findings", "concepts", "the configurations, with their evidence by stance, per concept"),
        ("Summary of findings", "evidence-map", "the evidence map and the confidence summary"),
        ("Strengths, limitations and future research directions", "confidence",
         "the confidence in each configuration and its reasons; hypothesised configurations to test next"),
        ("Comparison with existing literature", None, "comparison with the literature is not in the data"),
        ("Conclusion and recommendations", None, "conclusions are not in the data"),
        ("Funding and conflict of interest", None, "funding is not in the data"),
    ]
    return [Item(n, name, section, how) for n, (name, section, how) in enumerate(listed, 1)]
