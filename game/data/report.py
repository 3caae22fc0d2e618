"""The debrief report of a workshop team: one page, as PNG and PDF, for the facilitator's wrap-up.

The page shows the team's best round (by the boards' rule: profit on the evaluation days, then stars, then
the map): its score in money with the line that makes it (engine.money), the lever settings the day began
with and what it decided at the shocks (game.data.played, the reader the results board uses), the map they drew (left to right,
from the arrivals to the ways out, their edges against the expert's, with the map's own 0-100), its KPIs
against the targets, the default rules and par on the same evaluation days (the numbers the results
screen showed: recorded with the round, else engine.optimize.references), their profit round by round,
the day hour by hour, and what the scenario's advisors say about it (a line per missed target, the hints
for the most important missing edges, and a line per decision the day took: what was chosen and what the
other choices would have given).

Two halves: `prepare` gathers the numbers (engine only; testable without a plotting library) and `draw`
makes the page with matplotlib, imported here and only here, when a report is asked for: the game never
pays for it at start-up.

Why one module of over 520 lines: the numbers and the drawing of the one page share its dataclasses and
its layout constants, and the page is read top to bottom in the order it is drawn; split, a reader would
go back and forth between two files to follow one figure from the store to the page.
"""
from __future__ import annotations

import math
import os
import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from game.data.exports import ExportError, find_scenario, round_map
from game.play.decisions import script_of
from game.data.store import RoundRecord, Store

__all__ = ["ReportError", "Comment", "KpiRow", "Debrief", "prepare", "comments", "draw", "write_debrief",
           "write_debriefs", "debrief_plan", "map_positions", "file_slug", "FileNames", "event_log_names"]

#: Okabe-Ito, safe for colour-blind readers.
BLUE, ORANGE, VERMILLION, GREEN, GREY, INK = "#0072B2", "#E69F00", "#D55E00", "#009E73", "#999999", "#222222"
KEY_KPIS = ("profit", "service_level", "abandon_rate", "mean_wait", "on_time_rate", "fill_rate",
            "mean_time_in_system")
MAX_KPI_ROWS = 7
PAGE_W = 1900  # the width, in layout pixels, the report's map is laid out in


class ReportError(ExportError):
    """A report that cannot be made (no rounds, no plotting library); `str(e)` says what to do."""


@dataclass(frozen=True)
class Comment:
    advisor: str  # the advisor's name as the scenario gives it
    text: str


@dataclass(frozen=True)
class KpiRow:
    name: str
    label: str
    team: float | None
    target: str  # "at least 80.0 %", or "" when the KPI has no target
    met: bool | None  # None: no target
    baseline: float | None
    par: float | None


@dataclass
class Debrief:
    team: str
    workshop: str
    scenario: Any  # engine Scenario of the best round
    rounds: list[RoundRecord]
    best: RoundRecord
    edges: list  # the best round's edges (engine Edge)
    comparison: Any  # engine.maps.MapComparison against the expert map
    kpis: list[KpiRow]
    comments: list[Comment]
    baseline_score: float | None  # the default rules' profit on the same evaluation days
    par_score: float | None  # par's profit on those days
    hours: Any = None  # game.play.daystats.Hourly of the best round's day, or None
    extra: dict = field(default_factory=dict)
    money: Any = None  # engine.money.Money of the best round: the score's composition
    settings: list[str] = field(default_factory=list)  # its levers as the day began ("Junior reps on shift 48 reps")
    choices: list[str] = field(default_factory=list)  # its decisions at the shocks, then the levers pulled later

    def score_line(self) -> str:
        """The best round's one score, in money, with its composition and the references beside it."""
        sc = self.scenario
        if self.best.profit is None or self.money is None:
            return "This round was kept before the score was money: no profit recorded."
        refs = [f"{name} {v:,.0f}" for name, v in (("default rules", self.baseline_score), ("par", self.par_score))
                if v is not None]
        return self.money.sentence() + (f"  (on the same {sc.run.replications} evaluation days: "
                                        f"{', '.join(refs)} {sc.currency})" if refs else "")


# --- the numbers ------------------------------------------------------------------------------------


def _finite(v) -> float | None:
    return None if v is None or not math.isfinite(float(v)) else float(v)


def _advisor_names(scenario) -> list[str]:
    return [a.name for a in scenario.advisors.values()] or ["Your coach"]


def comments(scenario, record: RoundRecord, comparison=None, baseline: float | None = None,
             par: float | None = None) -> list[Comment]:
    """What the advisors say about a round: a line per missed target, the hints for the most important
    missing edges (at most two), and a line on the rules against the baseline and par."""
    from engine.maps import hints_for
    from engine.scoring import reaches_par

    from game.ui import words

    names = _advisor_names(scenario)
    by_id = {a.id: a.name for a in scenario.advisors.values()}
    out: list[Comment] = []
    missed = 0
    for i, t in enumerate(scenario.objective.targets):
        v = _finite(record.kpis.get(t.kpi))
        if v is not None and t.met(v):
            continue
        missed += 1
        said = words.value(t.kpi, v, scenario) if v is not None else "not measured"
        out.append(Comment(names[i % len(names)],
                           f"{words.label(t.kpi, scenario)} was {said}; the target is "
                           f"{words.target_text(t, scenario)}."))
    if scenario.objective.targets and not missed:
        out.append(Comment(names[0], "Every target met: that is how the day should run."))
    if comparison is not None:
        for hint in hints_for(scenario, comparison, limit=2):
            for line in hint.lines[:1]:
                out.append(Comment(by_id.get(line.advisor, names[0]), line.text))
        if comparison.perfect:
            out.append(Comment(names[-1], "The map matches the expert's, edge for edge."))
    score = _finite(record.profit)
    cur = scenario.currency
    if score is not None and baseline is not None:
        who = names[min(1, len(names) - 1)]
        if par is not None and reaches_par(score, par):
            out.append(Comment(who, "The rules reached par: as good as the best settings we know."))
        elif abs(score - baseline) < 0.5:
            out.append(Comment(who, f"The profit equals the default settings' ({baseline:,.0f} {cur}): "
                                    "try moving one lever at a time."))
        elif score > baseline:
            out.append(Comment(who, f"The rules beat the default settings: profit {score:,.0f} against "
                                    f"{baseline:,.0f} {cur}" + (f"; par is {par:,.0f}." if par is not None else ".")))
        else:
            out.append(Comment(who, f"The default settings would have made {baseline:,.0f} {cur} against "
                                    f"{score:,.0f}: try moving one lever at a time."))
    return out


def _kpi_names(scenario, kpis: dict) -> list[str]:
    """The targets' KPIs, then the key ones the round reported that apply to the scenario
    (engine.kpis_applying: no fill rate for a help desk)."""
    from engine.kpis_applying import applying

    names = [t.kpi for t in scenario.objective.targets]
    names += [k for k in KEY_KPIS if _finite(kpis.get(k)) is not None]
    return applying(scenario, names)[:MAX_KPI_ROWS]


def best_round(rounds: Sequence[RoundRecord]) -> RoundRecord:
    """The round a debrief shows: the best by the boards' rule, the later of two equal ones."""
    return min(rounds, key=lambda r: (r.rank_key, -r.round))


def prepare(store: Store, team: str, workshop: str | None = None, folders: Iterable[str | os.PathLike] = (),
            simulate: bool = True) -> Debrief:
    """The debrief of `team` (in `workshop`, or its latest one): its best round by the boards' rule, with
    the default rules and par on that round's evaluation days: as recorded with the round (what its
    results screen showed, from engine.optimize.references), else `references` now when `simulate` (the
    default; read from the par file, or a second or two per scenario)."""
    from engine.maps import compare_map
    from engine.model import ProcessMap
    from engine.money import money_lines

    from game.ui import words

    rounds = store.rounds(team=team, workshop=workshop)
    if not rounds:
        raise ReportError(f"no rounds recorded for team '{team}'" + (f" in {workshop}" if workshop else ""))
    workshop = workshop or rounds[-1].workshop
    rounds = [r for r in rounds if r.workshop == workshop]
    best = best_round(rounds)
    scenario = find_scenario(best.scenario, best.scenario_path, folders)
    pmap = round_map(scenario, best) or scenario.reference
    comparison = compare_map(scenario, ProcessMap(tuple(pmap.edges), scenario=scenario.id))
    seed = best.seed if best.seed is not None else scenario.run.seed
    base_kpis = dict(best.baseline_kpis or {})  # recorded as the results screen showed them, if it did
    par_kpis = dict(best.par_kpis or {})
    hours = None
    baseline, par = best.baseline, best.par
    if simulate:
        from engine.optimize import load_par, references

        from game.play.daystats import hourly

        if best.baseline_kpis is None or best.par_kpis is None or baseline is None or par is None:
            refs = references(scenario, load_par(scenario), seed)
            base_kpis = base_kpis or dict(refs.baseline_kpis)
            par_kpis = par_kpis or dict(refs.par_kpis)
            baseline = refs.baseline if baseline is None else baseline
            par = refs.par if par is None else par
        rules = {k: v for k, v in best.rules.items() if scenario.rule(k) is not None}
        try:
            hours = hourly(scenario, pmap, rules, seed, script=script_of(best.rules))
        except Exception:  # a chart the page can do without
            hours = None
    baseline = baseline if baseline is not None else _finite(base_kpis.get("profit"))
    par = par if par is not None else _finite(par_kpis.get("profit"))
    targets = {t.kpi: t for t in scenario.objective.targets}
    rows = []
    for name in _kpi_names(scenario, best.kpis):
        v = _finite(best.kpis.get(name))
        t = targets.get(name)
        rows.append(KpiRow(name, words.label(name, scenario), v, words.target_short(t, scenario) if t else "",
                           None if t is None else (v is not None and t.met(v)),
                           _finite(base_kpis.get(name)), _finite(par_kpis.get(name))))
    rules = {k: v for k, v in best.rules.items() if scenario.rule(k) is not None}
    kpis = {k: v for k, v in best.kpis.items() if _finite(v) is not None}
    money = money_lines(scenario, {**scenario.default_rules(), **rules}, kpis) if best.profit is not None else None
    from game.data import played

    return Debrief(team, workshop, scenario, rounds, best, list(pmap.edges), comparison, rows,
                   comments(scenario, best, comparison, baseline, par) + decision_comments(scenario, best),
                   baseline, par, hours, money=money,
                   settings=[f"{st.label} {st.value}" for st in played.settings(scenario, best.rules)],
                   choices=played.decisions(scenario, best.rules) + played.changes(scenario, best.rules))


def decision_comments(scenario, record: RoundRecord) -> list[Comment]:
    """A line per decision the round's day took, in the words of the advisor who asked: when, what was
    chosen, its profit and what the other choices would have given (game.play.decisions)."""
    from game.play.decisions import decision_lines, decisions_of, script_of

    taken = decisions_of(record.rules)
    lines = decision_lines(scenario, taken, script_of(record.rules), _finite(record.profit))
    names = _advisor_names(scenario)
    out = []
    for (_, index, _, _), line in zip(taken, lines):
        ask = scenario.events[index].decision.ask
        adv = scenario.advisors.get(ask.advisor) if ask is not None else None
        out.append(Comment(adv.name if adv is not None else names[0], line))
    return out


# --- the map, laid out left to right ------------------------------------------------------------------


def map_board(scenario, edges: Sequence):
    """The map as the game draws it (`game.ui.mapview.map_board`): the auto layout at reading size, its links
    routed round the cards the way every view of the game routes them; wide enough (`PAGE_W`) for the ways
    out to stand right of what leads to them, as a reader expects the day to end. Geometry only: nothing
    is drawn with pygame (its fonts measure the labels)."""
    from game.ui.mapview import map_board as board_of

    return board_of(scenario, [e for e in edges if e.src in scenario.steps and e.dst in scenario.steps],
                    width=PAGE_W)


def map_positions(scenario, edges: Sequence) -> dict[str, tuple[float, float]]:
    """Step -> the centre of its card on the report's map (layout pixels, y down)."""
    return dict(map_board(scenario, edges).layout)


# --- the page ---------------------------------------------------------------------------------------


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise ReportError("the debrief report needs matplotlib: pip install matplotlib "
                          "(or reinstall ProcessPlay with pip install -e .)") from None
    from matplotlib.figure import Figure  # no pyplot: no window, no global state

    return matplotlib, Figure


def _draw_map(ax, d: Debrief) -> None:
    """The best round's map with the game's own layout and routing: cards with their port rows (the port
    names inside their card, so no two labels meet), links round the cards, styled against the expert's."""
    from matplotlib.lines import Line2D

    sc, cmp = d.scenario, d.comparison
    expert = set(cmp.expert.edges)
    shown = list(dict.fromkeys([*d.edges, *cmp.missing]))
    board = map_board(sc, shown)
    area = _extent(board)
    ax.set_xlim(area[0], area[2])
    ax.set_ylim(area[3], area[1])  # y down, as on screen
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    pos = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    pt = min(pos.width * fig_w * 72 / (area[2] - area[0]), pos.height * fig_h * 72 / (area[3] - area[1]))
    for e in board.edges:
        pts = board.edge_points(e)
        if len(pts) < 2:
            continue
        if e in cmp.missing and e not in d.edges:
            style = dict(color=GREY, linestyle=":", linewidth=1.2)
        elif e in expert or e in cmp.given:
            style = dict(color=BLUE, linestyle="-", linewidth=1.3)
        else:
            style = dict(color=VERMILLION, linestyle="--", linewidth=1.3)
        over = board.over_cards(e)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], zorder=5 if over else 2, solid_capstyle="round", **style)
        ax.annotate("", xy=pts[-1], xytext=pts[-2], zorder=5 if over else 2,
                    arrowprops=dict(arrowstyle="-|>", mutation_scale=9, color=style["color"], lw=0, shrinkA=0,
                                    shrinkB=0))
    for s in board.layout:
        _draw_card(ax, board, s, pt)
    ax.set_title(f"The map of round {d.best.round}: {cmp.score}/100 against the expert's", fontsize=9, loc="left")
    handles = [Line2D([], [], color=BLUE, lw=1.3, label="as the expert"),
               Line2D([], [], color=VERMILLION, lw=1.3, ls="--", label="not in the expert map"),
               Line2D([], [], color=GREY, lw=1.2, ls=":", label="missing")]
    ax.legend(handles=handles, loc="upper left", fontsize=6, frameon=False, ncol=3, bbox_to_anchor=(0, 0.0))


def _extent(board) -> tuple[float, float, float, float]:
    """The rectangle holding the board's cards and links, with a margin."""
    xs, ys = [], []
    for s in board.layout:
        r = board.card_rect(s)
        xs += [r.left, r.right]
        ys += [r.top, r.bottom]
    for e in board.edges:
        for x, y in board.edge_points(e):
            xs.append(x)
            ys.append(y)
    return min(xs) - 16, min(ys) - 16, max(xs) + 16, max(ys) + 16


def _draw_card(ax, board, step_id: str, pt: float) -> None:
    """One card as the game draws it: its outline in its kind's colour, its label lines, its port rows
    (names right-aligned by their handles). `pt` is how many points one layout pixel is on the page."""
    from matplotlib.patches import Circle, FancyBboxPatch

    from game.ui.cards import LABEL_SIZE, LINE_H, PAD, PORT_R, label_lines, row_centre, shown_ports
    from game.ui.theme import ellipsize
    from game.ui import words

    step = board.scenario.steps[step_id]
    r = board.card_rect(step_id)
    colour = {"source": GREEN, "exit": GREY}.get(step.kind, BLUE)
    ax.add_patch(FancyBboxPatch((r.left, r.top), r.width, r.height, boxstyle="round,pad=0,rounding_size=10",
                                facecolor="white", edgecolor=colour, linewidth=1.4, zorder=3))
    size = LABEL_SIZE * pt * 0.72  # a pygame font's size is its line height; matplotlib's is its em
    for i, line in enumerate(label_lines(step)):
        ax.text(r.left + PAD, r.top + PAD + LINE_H * (i + 0.5), line, fontsize=size, color=INK, weight="bold",
                va="center", ha="left", zorder=4)
    ports = shown_ports(step)
    for i, port in enumerate(ports):
        y = r.top + row_centre(step, i if len(ports) > 1 else 0)
        ax.add_patch(Circle((r.right, y), PORT_R * 0.7, facecolor=colour, edgecolor="white", lw=0.6, zorder=4))
        if len(ports) > 1:
            room = (r.width - 70) if i == 0 else (r.width - 40)
            ax.text(r.right - PORT_R - 12, y, ellipsize(words.port_name(port), room, LABEL_SIZE), fontsize=size,
                    color="#555555", va="center", ha="right", zorder=4)


def _draw_kpis(ax, d: Debrief) -> None:
    from game.ui import words

    sc = d.scenario
    ax.axis("off")
    ax.set_title("KPIs: targets, default rules, par (same evaluation days)", fontsize=9, loc="left")
    header = ["KPI", "Team", "Target", "Default", "Par"]
    cells, colours = [], []
    for r in d.kpis:
        mark = "" if r.met is None else (" ✓" if r.met else " ✗")
        cells.append([r.label, words.value(r.name, r.team, sc) + mark, r.target or "–",
                      words.value(r.name, r.baseline, sc), words.value(r.name, r.par, sc)])
        tint = "white" if r.met is None else ("#d9f0e8" if r.met else "#f8dccc")
        colours.append(["white", tint, "white", "white", "white"])
    if not cells:
        ax.text(0, 0.5, "No KPIs were recorded for this round.", fontsize=8)
        return
    rows = len(cells) + 1
    table = ax.table(cellText=cells, colLabels=header, cellColours=colours, cellLoc="left",
                     colWidths=[0.3, 0.18, 0.16, 0.18, 0.18], bbox=[0, 1 - 0.085 * rows, 1, 0.085 * rows])
    table.auto_set_font_size(False)
    table.set_fontsize(6.4)
    for (row, _), cell in table.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if row == 0:
            cell.set_text_props(weight="bold")



def _draw_rounds(ax, d: Debrief) -> None:
    labels = [f"R{r.round}" + (f"\n{r.scenario}" if len({x.scenario for x in d.rounds}) > 1 else "") for r in d.rounds]
    profits = [r.profit if r.profit is not None else 0.0 for r in d.rounds]
    colours = [BLUE if r is not d.best else ORANGE for r in d.rounds]
    bars = ax.bar(range(len(profits)), profits, color=colours, width=0.6)
    top = max([abs(p) for p in profits] + [abs(v) for v in (d.baseline_score, d.par_score) if v is not None] + [1.0])
    for bar, r in zip(bars, d.rounds):
        ax.text(bar.get_x() + bar.get_width() / 2, max(0.0, bar.get_height()) + 0.03 * top, ("–" if r.profit is None
                else f"{r.profit:,.0f}") + f"\n{r.stars}/3 stars", ha="center", va="bottom", fontsize=6)
    lines = [ax.axhline(value, color=colour, lw=0.9, ls="--", label=f"{name} {value:,.0f}")
             for value, colour, name in ((d.par_score, GREEN, "par"), (d.baseline_score, GREY, "default rules"))
             if value is not None]
    if lines:
        ax.legend(handles=lines, loc="upper left", fontsize=6, frameon=False)
    ax.set_xticks(range(len(profits)), labels, fontsize=7)
    low = min(profits + [0.0])
    ax.set_ylim(low * 1.25 if low < 0 else 0, top * 1.3)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(f"Profit by round ({d.scenario.currency}, {d.scenario.run.replications} evaluation days)",
                 fontsize=9, loc="left")
    ax.spines[["top", "right"]].set_visible(False)


def _draw_day(ax, d: Debrief) -> None:
    from game.ui import words

    h = d.hours
    ax.set_title(f"The best round's {words.horizon_noun(d.scenario)}" + (f", by {h.per}" if h else ""), fontsize=9,
                 loc="left")
    if h is None or not h.labels:
        ax.axis("off")
        ax.text(0.5, 0.5, "No hour-by-hour figures for this round.", ha="center", fontsize=8, transform=ax.transAxes)
        return
    xs = range(len(h.labels))
    ax.bar(xs, h.queue, color="#cfe3f1", width=0.8, label="waiting (mean)")
    ax.set_ylabel("waiting", fontsize=7)
    ax.tick_params(labelsize=6)
    step = max(1, math.ceil(len(h.labels) / 7))
    ax.set_xticks(list(xs)[::step], h.labels[::step])
    ax.spines[["top"]].set_visible(False)
    if any(v is not None for v in h.service_level):
        ax2 = ax.twinx()
        pts = [(x, v * 100) for x, v in zip(xs, h.service_level) if v is not None]
        ax2.plot([p[0] for p in pts], [p[1] for p in pts], color=ORANGE, marker="o", markersize=2.5, linewidth=1.4)
        ax2.set_ylim(0, 105)
        ax2.set_ylabel("service level %", fontsize=7, color=ORANGE)
        ax2.tick_params(labelsize=6)
        ax2.spines[["top"]].set_visible(False)


def _draw_comments(ax, d: Debrief) -> None:
    ax.axis("off")
    ax.set_title("What the advisors say", fontsize=9, loc="left")
    y = 0.98
    for c in d.comments[:6]:
        body = textwrap.fill(c.text, 58)
        ax.text(0, y, c.advisor, fontsize=7, weight="bold", color=BLUE, va="top", transform=ax.transAxes)
        ax.text(0, y - 0.075, body, fontsize=6.8, color=INK, va="top", transform=ax.transAxes)
        y -= 0.075 + 0.07 * (body.count("\n") + 1) + 0.04
        if y < 0.05:
            break


def draw(d: Debrief):
    """The debrief page as a matplotlib Figure (A4 landscape)."""
    _, Figure = _matplotlib()
    fig = Figure(figsize=(11.69, 8.27), dpi=150, layout=None)
    fig.patch.set_facecolor("white")
    stars = "★" * d.best.stars + "☆" * (3 - d.best.stars)
    b, sc = d.best, d.scenario
    profit = f"profit {b.profit:,.0f} {sc.currency}" if b.profit is not None else "no profit recorded"
    fig.text(0.04, 0.955, f"{d.team}: debrief", fontsize=18, weight="bold", color=INK)
    fig.text(0.04, 0.925, f"{sc.title} · workshop {d.workshop} · {len(d.rounds)} round(s) · best round "
                          f"{b.round}: {profit}  {stars}", fontsize=10, color=INK)
    fig.text(0.04, 0.9, textwrap.shorten(d.score_line(), 190), fontsize=8.5, color=INK)
    for y, head, items in ((0.877, "Levers as the day began", d.settings), (0.856, "During the day", d.choices)):
        if items:
            fig.text(0.04, y, textwrap.shorten(f"{head}: " + "; ".join(items), 200), fontsize=8, color=INK)
    gs = fig.add_gridspec(2, 3, left=0.04, right=0.96, top=0.825, bottom=0.06, hspace=0.3, wspace=0.22,
                          height_ratios=[1.25, 1], width_ratios=[1, 1, 1.15])
    _draw_map(fig.add_subplot(gs[0, :2]), d)
    _draw_kpis(fig.add_subplot(gs[0, 2]), d)
    _draw_rounds(fig.add_subplot(gs[1, 0]), d)
    _draw_day(fig.add_subplot(gs[1, 1]), d)
    _draw_comments(fig.add_subplot(gs[1, 2]), d)
    return fig


# Characters no file name may hold on Windows, macOS or Linux, and the names Windows keeps for devices.
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
SLUG_BYTES = 80  # per slug, in UTF-8: two slugs and a prefix stay well under the 255-byte limit of a name


def _keeps(ch: str) -> bool:
    """Letters, marks and digits of every script (a Devanagari vowel sign is a mark), and the underscore."""
    return ch == "_" or unicodedata.category(ch)[0] in "LMN"


def file_slug(name: str, default: str = "team") -> str:
    """A file-name part from a team's or workshop's name that keeps its letters in every script:
    NFC-normalised, lower-cased, each run of anything else (spaces, punctuation, characters a file name
    cannot hold on Windows, macOS or Linux, controls) one hyphen, at most SLUG_BYTES bytes of UTF-8.
    "Команда 1" -> "команда-1", "チーム" -> "チーム", "Ops academy, 23 Nov" -> "ops-academy-23-nov";
    `default` when nothing is left. Names that differ only in case or punctuation give the same slug:
    `FileNames` adds a suffix within one export."""
    text = unicodedata.normalize("NFC", str(name)).lower()
    slug = "".join(ch if _keeps(ch) else "-" for ch in text)
    slug = re.sub(r"-{2,}", "-", slug).strip("-_")
    encoded = slug.encode("utf-8")
    if len(encoded) > SLUG_BYTES:
        slug = encoded[:SLUG_BYTES].decode("utf-8", "ignore").rstrip("-_")
    slug = unicodedata.normalize("NFC", slug)
    if not slug:
        return default
    if slug in _WINDOWS_DEVICES:  # "con.png" opens the console on Windows
        slug += "-"
    return slug


class FileNames:
    """The file names of one export, none colliding: the same key (a team) always gets the same stem, and
    a stem another key already holds gets a suffix (-2, -3, ...). Stems are compared case-folded, as the
    file systems of Windows and macOS compare names."""

    def __init__(self):
        self.by_key: dict[object, str] = {}
        self.taken: set[str] = set()

    def stem(self, key: object, base: str) -> str:
        if key in self.by_key:
            return self.by_key[key]
        stem, n = base, 1
        while unicodedata.normalize("NFC", stem).casefold() in self.taken:
            n += 1
            stem = f"{base}-{n}"
        self.taken.add(unicodedata.normalize("NFC", stem).casefold())
        self.by_key[key] = stem
        return stem


def event_log_names(rounds: Iterable[RoundRecord]) -> list[tuple[RoundRecord, str]]:
    """Each round with the file name of its event log, `events-WORKSHOP-TEAM-round-N.csv`, unique within
    the list (teams whose names slug alike get a suffix)."""
    names = FileNames()
    out = []
    for r in rounds:
        stem = names.stem((r.workshop, r.team), f"events-{file_slug(r.workshop, 'workshop')}-{file_slug(r.team)}")
        out.append((r, f"{stem}-round-{r.round}.csv"))
    return out


def write_debrief(store: Store, team: str, out_dir: str | os.PathLike, workshop: str | None = None,
                  formats: Sequence[str] = ("png", "pdf"), folders: Iterable[str | os.PathLike] = (),
                  simulate: bool = True, stem: str | None = None) -> list[Path]:
    """Write `debrief-TEAM.png` and `.pdf` (each atomically) into `out_dir`, made if missing (`stem`: the
    file name without its extension, when a caller keeps names unique); the files written."""
    from engine.files import ensure_folder

    _matplotlib()  # fail before any work when it is missing
    out = ensure_folder(out_dir)
    fig = draw(prepare(store, team, workshop, folders, simulate))
    from game.data.exports import atomic_bytes

    written = []
    for fmt in formats:
        path = out / f"{stem or 'debrief-' + file_slug(team)}.{fmt}"
        with atomic_bytes(path) as f:
            fig.savefig(f, format=fmt, facecolor="white")
        written.append(path)
    return written


def debrief_plan(store: Store, workshop: str | None = None, team: str | None = None,
                 folders: Iterable[str | os.PathLike] = (), formats: Sequence[str] = ("png", "pdf")
                 ) -> tuple[str | None, list[tuple[str, str]], list[str]]:
    """What a debrief export will write, known before anything is: the workshop (default: the latest;
    for one `team`, its latest), each team with rounds and its file stem (`debrief-TEAM`, unique), and
    every file name. ReportError when there is nothing to report, no plotting library, or a debriefed
    round whose scenario cannot be found: said before the first byte of any export is written."""
    from game.data.exports import Scenarios

    _matplotlib()
    if team is not None:
        rounds = store.rounds(team=team, workshop=workshop)
        if not rounds:
            raise ReportError(f"no rounds recorded for team '{team}'" + (f" in {workshop}" if workshop else ""))
        workshop = workshop or rounds[-1].workshop
        teams = [team]
    else:
        workshop = workshop or (store.workshops() or [None])[-1]
        teams = [t.name for t in store.teams(workshop) if t.rounds] if workshop else []
        if not teams:
            raise ReportError("no workshop rounds recorded yet")
    scenarios = Scenarios(folders)
    for t in teams:  # the scenario of the round each debrief shows
        best = best_round(store.rounds(team=t, workshop=workshop))
        if scenarios.of(best) is None:
            find_scenario(best.scenario, best.scenario_path, folders)  # raises, saying which and how to find it
    names = FileNames()
    stems = [(t, names.stem(t, f"debrief-{file_slug(t)}")) for t in teams]
    return workshop, stems, [f"{stem}.{fmt}" for _, stem in stems for fmt in formats]


def write_debriefs(store: Store, out_dir: str | os.PathLike, workshop: str | None = None,
                   folders: Iterable[str | os.PathLike] = (), simulate: bool = True) -> list[Path]:
    """A debrief for every team of `workshop` (default: the latest workshop); the files written."""
    workshop, stems, _ = debrief_plan(store, workshop, folders=folders)
    written: list[Path] = []
    for team, stem in stems:
        written += write_debrief(store, team, out_dir, workshop, folders=folders, simulate=simulate, stem=stem)
    return written
