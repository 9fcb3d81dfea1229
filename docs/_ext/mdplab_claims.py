"""The claims table, generated from the claims registry at build time (never typed by hand).

``.. mdplab-claims-table::`` renders, for every claim that :func:`mdplab.claims.discover`
finds (the library's own, :mod:`mdplab.proofs_checks`; installed plugins are left out so the
site does not depend on what else is installed), its id, statement, source, the sizes its
check uses at the quick and the full budget, its false-alarm probability and its planted
bugs. Option ``:paper: KEY`` keeps one paper's claims; ``:match: REGEX`` keeps the claims
whose id matches the regular expression (``re.search``).

The budget notes are read from the check's source (and from the module's helpers the check
calls with ``budget``): every assignment whose value depends on the budget
(``M = 60 if budget == "quick" else 500``, ``quick = budget == "quick"`` followed by
``x if quick else y``, ``_pick(budget, quick_value, full_value)``, ``if quick: ... else: ...``)
becomes one note ``M: 60 (quick) / 500 (full)``. See :func:`budget_notes`.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

MAX_EXPR = 70


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= MAX_EXPR else text[: MAX_EXPR - 3] + "..."


def _is_budget_test(test: ast.AST) -> bool | None:
    """True for ``budget == "quick"`` / ``quick``; False for the negations; None otherwise."""
    if isinstance(test, ast.Name) and test.id == "quick":
        return True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _is_budget_test(test.operand)
        return None if inner is None else not inner
    if (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.left, ast.Name) and test.left.id == "budget"
            and isinstance(test.comparators[0], ast.Constant)):
        value = test.comparators[0].value
        if isinstance(test.ops[0], ast.Eq):
            return value == "quick"
        if isinstance(test.ops[0], ast.NotEq):
            return value != "quick"
    return None


def _target_name(target: ast.AST) -> str:
    return ast.unparse(target)


def _function_ast(fn: Callable) -> ast.FunctionDef | None:
    try:
        src = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    tree = ast.parse(src)
    return next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))),
                None)


def _budget_return(fn: Any) -> ast.IfExp | None:
    """The ``x if budget == "quick" else y`` that a helper returns as its only statement."""
    tree = _function_ast(fn) if inspect.isfunction(fn) else None
    if tree is None:
        return None
    body = [s for s in tree.body if not (isinstance(s, ast.Expr)
                                         and isinstance(s.value, ast.Constant))]  # docstring
    if (len(body) == 1 and isinstance(body[0], ast.Return)
            and isinstance(body[0].value, ast.IfExp)
            and _is_budget_test(body[0].value.test) is not None):
        return body[0].value
    return None


def _is_pick(fn: Any) -> bool:
    """A helper ``f(budget, quick_value, full_value)`` returning one of its arguments."""
    tree = _function_ast(fn) if inspect.isfunction(fn) else None
    node = _budget_return(fn)
    return (node is not None and len(tree.args.args) == 3
            and all(isinstance(b, ast.Name) and b.id in {a.arg for a in tree.args.args[1:]}
                    for b in (node.body, node.orelse)))


def _simple_assignments(block: list[ast.stmt]) -> dict[str, ast.AST]:
    """name -> value of the plain assignments of a block (``a, b = x, y`` split)."""
    out: dict[str, ast.AST] = {}
    for s in block:
        if not (isinstance(s, ast.Assign) and len(s.targets) == 1):
            continue
        target, value = s.targets[0], s.value
        if (isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                and len(target.elts) == len(value.elts)):
            out.update({_target_name(t): v for t, v in zip(target.elts, value.elts, strict=True)})
        else:
            out[_target_name(target)] = value
    return out


def budget_notes(fn: Callable, _seen: set | None = None) -> list[tuple[str, str, str]]:
    """(name, quick value, full value) for every budget-dependent assignment in ``fn`` and in
    the module-level helpers it calls with ``budget`` as an argument."""
    seen = set() if _seen is None else _seen
    if fn in seen:
        return []
    seen.add(fn)
    tree = _function_ast(fn)
    if tree is None:
        return []
    env = getattr(fn, "__globals__", {})
    notes: list[tuple[str, str, str]] = []

    def add(name: str, quick: ast.AST, full: ast.AST, quick_first: bool = True) -> None:
        q, f = (quick, full) if quick_first else (full, quick)
        note = (name, _short(q), _short(f))
        if note not in notes:
            notes.append(note)

    def value_notes(name: str, value: ast.AST) -> None:
        for node in ast.walk(value):
            if isinstance(node, ast.IfExp):
                which = _is_budget_test(node.test)
                if which is not None:
                    add(name, node.body, node.orelse, which)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and any(isinstance(a, ast.Name) and a.id == "budget" for a in node.args)):
                helper = env.get(node.func.id)
                if len(node.args) == 3 and _is_pick(helper):
                    add(name, node.args[1], node.args[2])
                elif (chosen := _budget_return(helper)) is not None:
                    which = _is_budget_test(chosen.test)
                    label = name if name.isidentifier() and name != "_" else ast.unparse(node)
                    add(label, chosen.body, chosen.orelse, which)

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            value_notes(", ".join(_target_name(t) for t in node.targets), node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            value_notes(_target_name(node.target), node.value)
        elif isinstance(node, ast.For):
            value_notes(_target_name(node.target), node.iter)
        elif isinstance(node, ast.If):
            which = _is_budget_test(node.test)
            if which is None:
                continue
            body, other = _simple_assignments(node.body), _simple_assignments(node.orelse)
            for name in [n for n in body if n in other]:
                add(name, body[name], other[name], which)
    # helpers called with the budget
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and any(isinstance(a, ast.Name) and a.id in ("budget", "quick")
                        for a in node.args)):
            helper = env.get(node.func.id)
            if (inspect.isfunction(helper) and helper.__module__ == fn.__module__
                    and _budget_return(helper) is None):
                for note in budget_notes(helper, seen):
                    if note not in notes:
                        notes.append(note)
    # drop the bookkeeping flag itself
    return [n for n in notes if n[0] != "quick"]


def claim_rows(paper: str | None = None, match: str | None = None) -> list[dict[str, Any]]:
    """One dict per registered claim (in registry order): id, paper, statement, source,
    budget notes, false_alarm, mutants."""
    from mdplab.claims import discover

    rows = []
    for claim in discover(plugins=False):
        if paper is not None and claim.paper != paper:
            continue
        if match is not None and not re.search(match, claim.id):
            continue
        rows.append({"id": claim.id, "paper": claim.paper, "statement": claim.statement,
                     "source": claim.source, "budget": budget_notes(claim.check),
                     "false_alarm": claim.false_alarm, "mutants": sorted(claim.mutants),
                     "file": inspect.getsourcefile(claim.check)})
    return rows


def _para(*children: nodes.Node) -> nodes.paragraph:
    return nodes.paragraph("", "", *children)


def _cell(*children: nodes.Node) -> nodes.entry:
    return nodes.entry("", *children)


def _table(headers: list[str], rows: list[list[nodes.entry]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["mdplab-claims"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    group += head
    head += nodes.row("", *[_cell(_para(nodes.Text(h))) for h in headers])
    body = nodes.tbody()
    group += body
    for r in rows:
        body += nodes.row("", *r)
    return table


class ClaimsTable(SphinxDirective):
    option_spec = {"paper": directives.unchanged, "match": directives.unchanged}
    has_content = False

    def run(self) -> list[nodes.Node]:
        paper, match = self.options.get("paper"), self.options.get("match")
        rows = claim_rows(paper, match)
        if not rows:
            raise self.error(f"no registered claims for paper={paper!r}, match={match!r}")
        # re-read the page when this extension or a claims module changes
        self.env.note_dependency(__file__)
        for path in {r["file"] for r in rows if r["file"]}:
            self.env.note_dependency(path)
        if paper is not None or match is not None:
            return [_claims_table(rows)]
        # the whole registry: a count, then one table per paper (in registry order)
        papers = list(dict.fromkeys(r["paper"] for r in rows))
        n_bugs = sum(len(r["mutants"]) for r in rows)
        out: list[nodes.Node] = [_para(nodes.Text(
            f"{len(rows)} claims from {len(papers)} claims modules, with {n_bugs} planted "
            "bugs."))]
        for key in papers:
            mine = [r for r in rows if r["paper"] == key]
            out.append(nodes.rubric("", "", nodes.literal(text=key), nodes.Text(
                f" ({len(mine)} claims)"), ids=[nodes.make_id("paper-" + key)]))
            out.append(_claims_table(mine))
        return out


def _breakable(text: str) -> str:
    """A dotted identifier that may wrap after its dots and underscores (zero-width spaces),
    so a narrow table column breaks it there and not in the middle of a word."""
    return text.replace(".", ".\u200b").replace("_", "_\u200b")


def _claims_table(rows: list[dict[str, Any]]) -> nodes.table:
    """Three columns: the claim (id and statement), its source, and how it is checked
    (budget notes, false-alarm probability, planted bugs)."""
    out = []
    for r in rows:
        target = nodes.target("", "", ids=[nodes.make_id("claim-" + r["id"])])
        claim = _cell(_para(target, nodes.strong("", "", nodes.literal(
            text=_breakable(r["id"])))), _para(nodes.Text(r["statement"])))
        how: list[nodes.Node] = []
        if r["budget"]:
            budget = nodes.bullet_list()
            for name, q, f in r["budget"]:
                budget += nodes.list_item("", _para(
                    nodes.literal(text=name), nodes.Text(": "), nodes.literal(text=q),
                    nodes.Text(" (quick) / "), nodes.literal(text=f), nodes.Text(" (full)")))
            how += [_para(nodes.Text("Budget:")), budget]
        else:
            how.append(_para(nodes.Text("Budget: the same sizes at both budgets.")))
        how.append(_para(nodes.Text(f"False alarm: {r['false_alarm']:g}.")))
        how.append(_para(nodes.Text("Planted bugs: "), *_join(
            [nodes.literal(text=_breakable(m)) for m in r["mutants"]]), nodes.Text(".")))
        out.append([claim, _cell(_para(nodes.Text(r["source"]))), _cell(*how)])
    return _table(["claim", "source", "how it is checked"], out, [40, 30, 30])


def _join(items: list[nodes.Node]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, item in enumerate(items):
        if i:
            out.append(nodes.Text(", "))
        out.append(item)
    return out


def setup(app):
    app.add_directive("mdplab-claims-table", ClaimsTable)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
