"""The trends tab: the patient's blood pressure, A1c, weight and eGFR over time, with goal lines.

Goal lines: a number in a care-plan goal whose measure names the series (e.g. measure "A1c",
target "< 8 %") wins; otherwise the usual guideline line is drawn (BP 130/80, A1c 7 %,
eGFR 60, the CKD stage 3 boundary). Weight has no default goal.
"""

from __future__ import annotations

import re

import ipywidgets as w

from workbench import records as r
from workbench.service import Workbench

from .html import figure_png, message

#: series key -> (title, LOINC codes, name keywords, default goal lines, unit)
SERIES = {
    "bp": ("Blood pressure", {"8480-6", "8462-4", "85354-9"}, ("systolic", "diastolic", "blood pressure"),
           (130.0, 80.0), "mmHg"),
    "a1c": ("Hemoglobin A1c", {"4548-4", "17856-6"}, ("a1c",), (7.0,), "%"),
    "weight": ("Weight", {"29463-7", "3141-9"}, ("weight",), (), "kg"),
    "egfr": ("eGFR", {"33914-3", "62238-1", "98979-8", "48642-3", "48643-1"}, ("egfr", "glomerular"), (60.0,),
             "mL/min/1.73m2"),
}
GOAL_WORDS = {"bp": ("blood pressure", "bp"), "a1c": ("a1c",), "weight": ("weight",), "egfr": ("egfr",)}


def series_of(observations: list[r.Observation]) -> dict[str, list[r.Observation]]:
    """Observations grouped into the four trend series (by LOINC, else by name)."""
    out: dict[str, list[r.Observation]] = {k: [] for k in SERIES}
    for o in observations:
        name = o.name.lower()
        for key, (_, codes, words, _, _) in SERIES.items():
            if o.loinc in codes or any(word in name for word in words):
                out[key].append(o)
                break
    return {k: sorted(v, key=lambda o: o.effective) for k, v in out.items()}


#: UCUM units as a person reads them on an axis.
UNIT_LABELS = {"[lb_av]": "lb", "kg": "kg", "%": "%", "mm[Hg]": "mmHg", "mL/min/{1.73_m2}": "mL/min/1.73 m²",
               "mL/min/1.73m2": "mL/min/1.73 m²", "[in_i]": "in", "cm": "cm"}


def axis_unit(key: str, obs: list[r.Observation]) -> str:
    """The unit the readings were stored in (``[lb_av]`` shows as lb), else the series' default."""
    units = sorted({UNIT_LABELS.get(o.unit, o.unit) for o in obs if o.unit})
    return " / ".join(units) if units else SERIES[key][4]


def goal_lines(key: str, plan: r.CarePlan | None) -> tuple[float, ...]:
    """Goal values for a series: from a care-plan goal naming it, else the default lines."""
    if plan is not None:
        for g in plan.goals:
            text = f"{g.measure} {g.description}".lower()
            if any(word in text for word in GOAL_WORDS[key]):
                nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", g.target)]
                if nums:
                    return tuple(nums[:2])
    return SERIES[key][3]


class TrendsTab(w.VBox):
    def __init__(self, wb: Workbench, pid: str, observations: list[r.Observation] | None = None,
                 plan: r.CarePlan | None = None):
        self.wb = wb
        self.pid = pid
        if observations is None:
            chart = wb.chart(pid)
            observations = chart.observations
            plan = chart.care_plan.plan if chart.care_plan else None
        self.series = series_of(observations)
        self.plan = plan
        self.out = w.VBox()
        self.out.add_class("ccm-trends")
        super().__init__([self.out])
        self.add_class("ccm-trends-tab")
        self.drawn = False

    def draw(self) -> None:
        """Draw the plots when the tab is shown (matplotlib is slow to start), again only when the
        care plan's goals changed since (a new A1c goal moves its line)."""
        latest = self.wb.care_plan(self.pid)
        plan = latest.plan if latest else self.plan
        if self.drawn and (plan.goals if plan else None) == (self.plan.goals if self.plan else None):
            return
        self.plan = plan
        self.drawn = True
        from matplotlib.figure import Figure

        if not any(self.series.values()):
            self.out.children = [w.HTML(message("No observations recorded for this patient.", "info"))]
            return
        fig = Figure(figsize=(11, 6.5))
        axes = fig.subplots(2, 2)
        for ax, (key, (title, _, _, _, _unit)) in zip(axes.flat, SERIES.items()):
            obs = self.series[key]
            ax.set_title(title)
            ax.set_ylabel(axis_unit(key, obs))
            if not obs:
                ax.text(0.5, 0.5, "no readings", ha="center", va="center", transform=ax.transAxes, color="grey")
                continue
            names = sorted({o.name for o in obs})
            for name in names:
                pts = [o for o in obs if o.name == name]
                ax.plot([o.effective for o in pts], [o.value for o in pts], marker="o", label=name)
            for y in goal_lines(key, self.plan):
                ax.axhline(y, color="#2e9e5b", linestyle="--", linewidth=1)
                ax.annotate(f"goal {y:g}", (1, y), xycoords=("axes fraction", "data"), ha="right",
                            va="bottom", fontsize=8, color="#2e9e5b")
            if len(names) > 1:
                ax.legend(fontsize=7)
            ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        fig.tight_layout()
        self.image = w.Image(value=figure_png(fig), format="png", layout=w.Layout(max_width="100%"))
        self.out.children = [self.image]
