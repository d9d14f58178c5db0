"""The action plan: ``data/actions.yml``, one entry per action, each serving a recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, finding, rule
from .yamlio import LineDict, LineList, load_yaml

R_SHAPE = rule(
    "ACT001", "error", "Action plan is not a list of actions",
    "Each action starts with '- ref: A1' at the left margin; see the example case.",
)


@dataclass
class Action:
    fields: dict
    line: int
    key_lines: dict = field(default_factory=dict)

    def text(self, key: str) -> str:
        v = self.fields.get(key)
        if v is None:
            return ""
        if isinstance(v, list):
            return ", ".join(str(x) for x in v)
        if isinstance(v, bool):
            return "Yes" if v else "No"
        return str(v).strip()

    @property
    def ref(self) -> str:
        return self.text("ref")

    @property
    def recommendations(self) -> list[str]:
        v = self.fields.get("recommendations")
        if v is None:
            return []
        if isinstance(v, list):
            return [str(x).strip() for x in v]
        return [x.strip() for x in str(v).split(",") if x.strip()]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass
class ActionPlan:
    actions: list[Action]
    rel: str
    exists: bool = True


def load_actions(path: Path, rel: str, case=None) -> tuple[ActionPlan, list[Finding]]:
    if not path.is_file():
        return ActionPlan([], rel, exists=False), []
    raw = load_yaml(path, rel)
    if raw is None:
        return ActionPlan([], rel), []
    findings: list[Finding] = []
    if not isinstance(raw, LineList):
        findings.append(finding(R_SHAPE.code, rel, getattr(raw, "line", 1),
                                "the action plan must be a list of actions, each starting with '- ref:'."))
        return ActionPlan([], rel), findings
    actions = []
    for i, (item, line) in enumerate(zip(raw, raw.item_lines)):
        if not isinstance(item, LineDict):
            findings.append(finding(R_SHAPE.code, rel, line, f"action {i + 1} is not a set of 'field: value' lines."))
            continue
        actions.append(Action(dict(item), line, dict(item.key_lines)))
    return ActionPlan(actions, rel), findings
