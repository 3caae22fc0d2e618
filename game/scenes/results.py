"""Results: the score in money (the profit on the evaluation days) with its stars and its composition,
the default rules and par on the same days, the KPIs against the targets, the day you watched against the
average, the day hour by hour, where the money came from and went, and where the day lost most.

One headline: the profit in the scenario's currency, and under it the line that makes it ("Revenue 18,052
− costs 12,900 − penalties 3,455 = profit 1,696 USD", engine.money) beside the defaults' and par's profit
(engine.optimize.references, the numbers every other screen shows). The map's own 0-100 shows only with
the map (the map view's title). `headline_texts()` gives every string the headline draws, for the tests.

The screen draws a round's outcome (game.play.outcome): every number in it is the engine's, computed
there. While the outcome is being tallied (`Tally`, a background job with a deadline) the screen shows
that it is, and for how long; when there is none (the tally gave up, or the watched day could not
finish) it says so calmly, with the usual ways on.

Where to go next is given, not looked up: `on_next` (the primary button: the next scenario), `on_retry`
(the same scenario again), `on_back` (scenario select; Esc too).
"""
from __future__ import annotations

import math
import pygame

from game.play.outcome import Outcome, Tally
from game.ui import charts, words
from game.ui import theme as T
from game.core.jobs import Job
from game.ui.widgets import Button
from game.scenes import HEADER_H, MARGIN, Screen, Way, primary_rect, secondary_rect, stay

ROW1_TOP, ROW1_H = HEADER_H + 12, 250
HEAD_W = 820  # the headline's box: room for the score's composition on one line
ROW2_TOP = ROW1_TOP + ROW1_H + 24
GAP = 24
REVEAL = 1.2  # seconds the headline takes to count up
SLOW_NOTE = 5.0  # seconds of tallying before the screen shows how long it has been
MARK_R = 26  # a rank mark's radius on the results map, its dark ring included


def rank_marks(board, steps, ranks, within: pygame.Rect) -> list[tuple[int, pygame.Rect]]:
    """Where the results map's rank marks go, each with its box: one per step beside its card
    (`Board.mark_spot`), over no card (so no card's name or port labels) and no mark placed before it,
    inside `within`."""
    out: list[tuple[int, pygame.Rect]] = []
    for step, rank in zip(steps, ranks):
        box = pygame.Rect(0, 0, 2 * MARK_R, 2 * MARK_R)
        box.center = board.mark_spot(step, MARK_R, [b for _, b in out], within)
        out.append((rank, box))
    return out

class ResultsScene(Screen):
    name = "results"

    def __init__(self, app, rnd, *, on_next: Way = stay, on_retry: Way = stay, on_back: Way = stay):
        super().__init__(app)
        self.round = rnd
        self.scenario = rnd.scenario
        self.on_next, self.on_retry, self.go_back = on_next, on_retry, on_back
        self.tally = Tally(rnd, app.settings)
        self.revealed_at = -10.0 if self.outcome is not None else None  # when the outcome first showed
        self.view = "charts"  # or "map": the losses laid over the player's map
        self._map_image: pygame.Surface | None = None
        self.map_marks: list[tuple[int, pygame.Rect]] = []  # the results map's rank marks, in its image
        self.map_shown = None  # the board the results map was drawn from (its cards, for the marks' test)
        self.view_button = Button(secondary_rect(2), "Show on map", self.toggle_view, kind="quiet")
        # the map as BPMN 2.0 for a modeller (bpmn.io, Camunda): the modes that keep no files leave it out
        self.bpmn_button = Button(secondary_rect(3), "Save as BPMN", self.save_bpmn, kind="quiet")
        self.bpmn_said: tuple[str, float] | None = None  # what the last save said, and when
        self.buttons = [Button(primary_rect(), "Next scenario  ▶", self.next, kind="primary"),
                        Button(secondary_rect(0), "Try again", self.retry),
                        Button(secondary_rect(1), "Scenarios", self.on_back, kind="quiet"),
                        self.view_button, self.bpmn_button]

    # --- the tally, as the modes and tests read it ----------------------------------------------
    @property
    def outcome(self) -> Outcome | None:
        return self.tally.outcome

    @property
    def error(self) -> str | None:
        return self.tally.error

    @property
    def unfinished(self) -> bool:
        return self.tally.unfinished

    @property
    def job(self) -> Job | None:
        return self.tally.job

    @property
    def ready(self) -> bool:
        return self.outcome is not None

    @property
    def settled(self) -> bool:
        """Nothing more is coming: an outcome, or a message that there will be none."""
        return self.tally.settled

    def wait(self, timeout: float = 120.0) -> bool:
        """Finish the tally now (tests and the autoplay)."""
        ready = self.tally.wait(timeout)
        if ready and self.revealed_at is None:
            self.revealed_at = self.age
        return ready

    def tick(self, dt):
        if self.tally.poll(dt):
            self.revealed_at = self.age

    def leave(self) -> None:
        if self not in self.app.stack:  # off the stack: the tally stops with it
            self.tally.cancel()

    # --- the ways on -----------------------------------------------------------------------------
    def next(self) -> None:
        self.on_next()

    def retry(self) -> None:
        self.on_retry()

    def on_back(self) -> None:
        self.go_back()

    def save_bpmn(self) -> None:
        """The player's map as BPMN 2.0 in the data folder; the screen says where, or why not."""
        from engine.files import WriteError
        from game.play.bpmn_diagram import save_round_bpmn

        try:
            path = save_round_bpmn(self.round, getattr(self.app, "data_dir", None))
        except (WriteError, OSError) as e:
            self.bpmn_said = (f"The map could not be saved: {e}", self.age)
            return
        self.bpmn_said = (f"Saved {path.name} in {path.parent}", self.age)
        self.bpmn_button.label = "Saved ✓"

    def draw_bpmn_note(self, surface) -> None:
        """Where the BPMN file went, for a few seconds, above the buttons."""
        if self.bpmn_said is None or self.age - self.bpmn_said[1] > 8.0:
            return
        text = self.bpmn_said[0]
        box = pygame.Rect(MARGIN, primary_rect().top - 150, T.W - 2 * MARGIN - primary_rect().width - 24, 124)
        T.panel(surface, box, T.PANEL_HI, radius=16, border=T.ACCENT, width=2)
        T.paragraph(surface, text, box.inflate(-40, -24), T.SIZE_SMALL, T.TEXT)

    def toggle_view(self) -> None:
        self.view = "map" if self.view == "charts" else "charts"
        self.view_button.label = "Show charts" if self.view == "map" else "Show on map"

    def handle(self, event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_m:
            self.toggle_view()
            return True
        return False

    # --- drawing -------------------------------------------------------------------------------
    def draw(self, surface):
        sc = self.scenario
        o = self.outcome
        self.header(surface, f"Results: {sc.title}")
        if o is not None:
            sub = self.headline_texts()["watched"]
            width = T.W - 2 * MARGIN - 420
            T.text(surface, T.ellipsize(sub, width, T.fit(sub, width, T.SIZE_BODY)), (MARGIN, 106),
                   T.fit(sub, width, T.SIZE_BODY), T.TEXT_DIM)
        if o is None:
            self.draw_waiting(surface)
        elif self.view == "map":  # the whole screen for the map: the headline is one tap away
            self.draw_map_view(surface, pygame.Rect(MARGIN, ROW1_TOP, T.W - 2 * MARGIN,
                                                    primary_rect().top - 28 - ROW1_TOP), o)
        else:
            self.draw_headline(surface, pygame.Rect(MARGIN, ROW1_TOP, HEAD_W, ROW1_H), o)
            self.draw_cards(surface, pygame.Rect(MARGIN + HEAD_W + GAP, ROW1_TOP, T.W - 2 * MARGIN - HEAD_W - GAP,
                                                 ROW1_H), o)
            bottom = primary_rect().top - 28
            h = bottom - ROW2_TOP
            w_chart = 520
            self.draw_service_chart(surface, pygame.Rect(MARGIN, ROW2_TOP, w_chart, h), o)
            self.draw_queue_chart(surface, pygame.Rect(MARGIN + w_chart + GAP, ROW2_TOP, w_chart, h), o)
            right = pygame.Rect(MARGIN + 2 * (w_chart + GAP), ROW2_TOP, T.W - MARGIN - (MARGIN + 2 * (w_chart + GAP)), h)
            money_h = 48 + 44 + 32 * (len(o.money.revenue) + len(o.money.cost))
            self.draw_money(surface, pygame.Rect(right.left, right.top, right.width, money_h), o)
            rest = pygame.Rect(right.left, right.top + money_h + GAP, right.width, h - money_h - GAP)
            lines = self.decision_texts()
            if lines:  # the decisions first, the losses in what is left
                used = self.draw_decisions(surface, rest, lines)
                rest = pygame.Rect(rest.left, rest.top + used + GAP, rest.width, rest.height - used - GAP)
            if rest.height >= 120:
                self.draw_losses(surface, rest, o)
        self.draw_buttons(surface)
        self.draw_bpmn_note(surface)
        self.draw_fade(surface)

    def draw_waiting(self, surface) -> None:
        cx, cy = T.W // 2, T.H // 2 - 40
        if self.error:
            title = "No result for this day." if self.unfinished else "The day could not be tallied."
            T.text(surface, title, (cx, cy - 40), T.SIZE_HEAD, T.BAD, "bold", anchor="center")
            T.paragraph(surface, self.error, pygame.Rect(cx - 600, cy + 20, 1200, 200), T.SIZE_BODY, T.TEXT_DIM)
            return
        progress = self.tally.par_progress
        if progress is not None:
            T.text(surface, "Working out par…", (cx, cy - 60), T.SIZE_HEAD, T.TEXT, "bold", anchor="center")
            T.text(surface, f"The best rules we can find for this scenario: {progress:.0%} done.", (cx, cy + 10),
                   T.SIZE_BODY, T.TEXT_DIM, anchor="center")
        else:
            T.text(surface, f"Tallying the {words.horizon_noun(self.scenario)}…", (cx, cy - 60), T.SIZE_HEAD, T.TEXT, "bold", anchor="center")
            T.text(surface, f"Your run, the default rules and par, on {words.evaluation_runs(self.scenario)}.", (cx, cy + 10),
                   T.SIZE_BODY, T.TEXT_DIM, anchor="center")
        for i in range(3):
            a = self.age * 3 - i * 0.6
            r = 12 + 6 * max(0.0, math.sin(a))
            pygame.draw.circle(surface, T.ACCENT, (cx - 60 + i * 60, cy + 100), int(r))
        job = self.job
        if job is not None and job.elapsed >= SLOW_NOTE:
            T.text(surface, f"Still working: {job.elapsed:.0f} s (we stop at {job.deadline:.0f} s)", (cx, cy + 160),
                   T.SIZE_SMALL, T.TEXT_DIM, anchor="center")

    def headline_texts(self) -> dict[str, str]:
        """Every string the headline draws (tests compare them with engine.optimize.references):
        the profit, the defaults' and par's, the days they are measured on, the composition, the watched day."""
        o = self.outcome
        if o is None:
            return {}
        sc, g = self.scenario, o.grade
        days = f"Profit on {words.evaluation_runs(sc, o.days)}"
        if o.par_source == "quick":
            days += " · par from a quick search"
        elif o.par_source == "none":
            days += " · no par found in time"
        return {"profit": words.value("profit", g.score, sc),
                "defaults": f"Defaults {words.value('profit', g.baseline, sc)}",
                "par": f"Par {words.value('profit', g.par, sc)}",
                "days": days,
                "sentence": o.money.sentence(),
                "watched": o.watched.sentence() if o.watched is not None else ""}

    def draw_headline(self, surface, box, o: Outcome) -> None:
        g = o.grade
        texts = self.headline_texts()
        T.panel(surface, box, T.PANEL, radius=24, border=T.ACCENT, width=3)
        # the profit counts up and the stars arrive one by one, the first second after the tally
        t = min(1.0, max(0.0, (self.age - (self.revealed_at or 0.0)) / REVEAL))
        for i in range(3):
            pop = min(1.0, max(0.0, (t - 0.45 - 0.18 * i) / 0.12))
            filled = i < g.stars and pop > 0
            charts.star(surface, (box.left + 60 + i * 70, box.top + 50), int(28 * (0.6 + 0.4 * pop)) if filled else 28,
                        filled)
        T.text(surface, self.verdict(o), (box.right - 28, box.top + 50), T.SIZE_SMALL,
               T.GOOD if g.beats_baseline else T.WARN, "semibold", anchor="midright")
        shown = texts["profit"] if t >= 1.0 else words.value("profit", g.score * (1 - (1 - t) ** 3), self.scenario)
        inner = box.width - 60
        size = T.fit(texts["profit"], 460, 76, "bold", smallest=T.SIZE_HEAD)
        T.text(surface, shown, (box.left + 30, box.top + 116), size, T.TEXT, "bold", anchor="midleft")
        for i, key in enumerate(("defaults", "par")):  # the two references, right of the profit
            T.text(surface, texts[key], (box.right - 28, box.top + 100 + 36 * i),
                   T.fit(texts[key], 270, T.SIZE_BODY, "semibold"), T.TEXT, "semibold", anchor="midright")
        T.text(surface, T.ellipsize(texts["days"], inner, T.SIZE_SMALL), (box.left + 32, box.top + 150),
               T.SIZE_SMALL, T.TEXT_DIM)
        lines = T.wrap(texts["sentence"], inner, T.SIZE_SMALL, "semibold")  # the sum, on two lines if it must
        for i, line in enumerate(reversed(lines[-2:])):
            T.text(surface, line, (box.left + 30, box.bottom - 12 - 28 * i), T.SIZE_SMALL, T.TEXT, "semibold",
                   anchor="bottomleft", box=box)
        if len(lines) > 2:
            T.lost(texts["sentence"], "the profit's sum needs more than two lines")

    def verdict(self, o: Outcome) -> str:
        g = o.grade
        if g.reaches_par and g.targets_met:
            return "You reached par!"
        if g.targets_met and g.beats_baseline:
            return "Every target met"
        if g.beats_baseline:
            return "Beats the defaults"
        if abs(g.score - g.baseline) < 0.5:
            return "Same as the defaults"
        return "Below the defaults"

    def card_kpis(self) -> list[str]:
        """The KPIs the cards show beside the headline: the targets' KPIs, then revenue and cost (three)."""
        sc = self.scenario
        names = words.shown(t.kpi for t in sc.objective.targets if t.kpi != "profit")
        return list(dict.fromkeys(names + ["revenue", "cost"]))[:3]

    def card_values(self) -> dict[str, str]:
        """KPI -> the value its card shows, as shown (tests compare these with the engine's numbers)."""
        o = self.outcome
        return {n: words.value(n, o.kpis.get(n), self.scenario) for n in self.card_kpis()} if o else {}

    def draw_cards(self, surface, area, o: Outcome) -> None:
        sc = self.scenario
        names = self.card_kpis()
        shown = self.card_values()
        targets = {t.kpi: t for t in sc.objective.targets}
        w = (area.width - GAP * (len(names) - 1)) // len(names)
        kp = o.kpis
        for i, name in enumerate(names):
            box = pygame.Rect(area.left + i * (w + GAP), area.top, w, area.height)
            T.panel(surface, box, T.PANEL, radius=20)
            x = box.left + 24
            inner = box.width - 48
            T.text(surface, T.ellipsize(words.label(name, sc), inner, T.SIZE_SMALL), (x, box.top + 16), T.SIZE_SMALL,
                   T.TEXT_DIM)
            v = kp.get(name)
            size = T.fit(shown[name], inner, T.SIZE_HEAD + 8, "bold", smallest=T.SIZE_LABEL)
            T.text(surface, shown[name], (x, box.top + 50), size, T.TEXT, "bold")
            t = targets.get(name)
            y = box.top + 116
            if t is not None:
                met = not math.isnan(v) and t.met(v)
                T.text(surface, T.ellipsize(("✓ target " if met else "✗ target ") + words.target_short(t, sc), inner,
                                            T.SIZE_SMALL, "semibold"),
                       (x, y), T.SIZE_SMALL, T.GOOD if met else T.WARN, "semibold")
            else:
                d = v - o.baseline_kpis.get(name, math.nan)
                good = d >= 0 if words.higher_is_better(name) else d <= 0
                if abs(d) < 0.5:
                    T.text(surface, T.ellipsize("same as defaults", inner, T.SIZE_SMALL), (x, y), T.SIZE_SMALL,
                           T.TEXT_DIM)
                else:
                    T.text(surface, T.ellipsize(f"{'▲' if d >= 0 else '▼'} {words.value(name, abs(d), sc)}", inner,
                                                T.SIZE_SMALL, "semibold"), (x, y), T.SIZE_SMALL,
                           T.GOOD if good else T.WARN, "semibold")
            y += 38
            parts = [("Defaults", o.baseline_kpis.get(name)), ("Par", o.par_kpis.get(name))]
            font = T.font(T.SIZE_SMALL)
            for what, pv in parts:
                line = f"{what} {words.value(name, pv, sc)}"
                if font.size(line)[0] > inner:  # big money: the currency is on the value above
                    line = f"{what} {words.value(name, pv, sc).removesuffix(' ' + sc.currency)}"
                T.text(surface, T.ellipsize(line, inner, T.SIZE_SMALL), (x, y), T.SIZE_SMALL, T.TEXT_DIM)
                y += 31

    def _chart_box(self, surface, box) -> pygame.Rect:
        T.panel(surface, box, T.PANEL, radius=20)
        return box.inflate(-48, -44)

    def draw_service_chart(self, surface, box, o: Outcome) -> None:
        sc = self.scenario
        inner = self._chart_box(surface, box)
        target = next((t for t in sc.objective.targets if t.kpi == "service_level" and t.min is not None), None)
        h = o.hourly
        if not any(h.offered):
            T.text(surface, f"Service level by {h.per}", inner.topleft, T.SIZE_LABEL, T.TEXT, "semibold")
            T.paragraph(surface, "Nobody queued for a person or a machine in this process, so there is no "
                                 "waiting to chart.", pygame.Rect(inner.left, inner.top + 70, inner.width, 200),
                        T.SIZE_BODY, T.TEXT_DIM)
            return
        charts.line_chart(surface, inner, [("service level", [None if v is None else v * 100 for v in h.service_level],
                                            T.SKY)], h.labels,
                          title=f"Service level by {h.per}", y_fmt=lambda v: f"{v:.0f} %", y_min=0, y_max=100,
                          target=(target.min * 100, f"target {target.min * 100:.0f} %") if target else None)

    def draw_queue_chart(self, surface, box, o: Outcome) -> None:
        inner = self._chart_box(surface, box)
        h = o.hourly
        worst = max(range(len(h.queue)), key=lambda i: h.queue[i]) if h.queue else None
        calls = self.scenario.domain == "call_center"
        charts.column_chart(surface, inner, h.queue, h.labels,
                            title=f"Callers waiting, by {h.per}" if calls else f"Waiting, by {h.per}",
                            y_fmt=lambda v: f"{v:g}", highlight=worst)

    def draw_money(self, surface, box, o: Outcome) -> None:
        inner = self._chart_box(surface, box)
        cur = self.scenario.currency
        rows = [(n, v, T.GREEN) for n, v in o.money.revenue] + [(n, v, T.VERMILION) for n, v in o.money.cost]
        T.text(surface, f"Profit {words.value('profit', o.kpis.get('profit'), self.scenario)}", (inner.right, inner.top),
               T.SIZE_BODY, T.TEXT, "bold", anchor="topright")
        charts.bar_chart(surface, inner, rows, title="Money in and out", fmt=lambda v: f"{v:,.0f} {cur}", row_h=32)

    def map_image(self, size: tuple[int, int], o: Outcome) -> pygame.Surface | None:
        """The player's map, the steps that lost money glowing, each with its rank in the list beside."""
        if self._map_image is not None and self._map_image.get_size() == size:
            return self._map_image
        try:
            from game.ui.board import Highlights
            from game.ui.mapview import map_board
        except ImportError:  # the map's drawing is not in this build
            return None
        img = pygame.Surface(size)
        img.fill(T.PANEL)
        # as large as the panel allows: this is the screen's subject
        ranked = [(i, x) for i, x in enumerate(o.losses) if x.kind == "step" and x.money >= 0.5]
        board = map_board(self.scenario, self.round.edges, self.round.layout, img.get_rect(), grow=True,
                          room_above=[x.id for _, x in ranked], room=2 * MARK_R + 8)  # the marks go there
        ranked = [(i, x) for i, x in ranked if x.id in board.layout]
        board.draw(img, None, Highlights(cards={x.id: "hot" for _, x in ranked}))
        self.map_shown = board
        self.map_marks = rank_marks(board, [x.id for _, x in ranked], [i + 1 for i, _ in ranked], img.get_rect())
        for rank, box in self.map_marks:
            pygame.draw.circle(img, T.BG, box.center, MARK_R)
            pygame.draw.circle(img, T.ORANGE, box.center, MARK_R - 4)
            T.text(img, str(rank), box.center, T.SIZE_SMALL, T.BLACK, "bold", anchor="center")
        self._map_image = img
        return img

    def draw_map_view(self, surface, area, o: Outcome) -> None:
        list_w = 620
        box = pygame.Rect(area.left, area.top, area.width - list_w - GAP, area.height)
        inner = self._chart_box(surface, box)
        title = f"Your map ({o.grade.map_score}/100 against the expert's): where the money was lost"
        size = T.fit(title, inner.width, T.SIZE_LABEL, "semibold")
        T.text(surface, T.ellipsize(title, inner.width, size, "semibold"), inner.topleft, size, T.TEXT, "semibold")
        img = self.map_image((inner.width, inner.height - 56), o)
        if img is not None:
            surface.blit(img, (inner.left, inner.top + 56))
        else:
            T.text(surface, "The map view is not available in this build.", (inner.left, inner.top + 80),
                   T.SIZE_BODY, T.TEXT_DIM)
        self.draw_losses(surface, pygame.Rect(box.right + GAP, area.top, list_w, area.height), o)

    def decision_texts(self) -> list[tuple[str, list[str]]]:
        """Per decision the day stopped at (game.play.decisions): when, what was chosen and its profit, and
        a line per other choice with what it would have given."""
        rnd, o = self.round, self.outcome
        if not rnd.decisions or o is None:
            return []
        from game.play.decisions import decision_rows

        return decision_rows(self.scenario, rnd.decisions, rnd.script, o.kpis.get("profit"))

    def draw_decisions(self, surface, area, rows: list[tuple[str, list[str]]]) -> int:
        """The decisions box at the top of `area`: each choice made, then the others, one line each; its
        height (all of `area` when the lines need it: the losses are on the map view too)."""
        step = 28
        weights = ("semibold", "regular")
        wrapped = [[T.wrap(line, area.width - 48 - (0 if i == 0 else 24), T.SIZE_SMALL, weights[i > 0])
                    for i, line in enumerate([head] + others)] for head, others in rows]
        need = 44 + 42 + sum(step * sum(len(w) for w in lines) + 8 for lines in wrapped)
        h = min(area.height, need) if need > area.height - 120 - GAP else need
        box = pygame.Rect(area.left, area.top, area.width, h)
        inner = self._chart_box(surface, box)
        n = len(rows)
        T.text(surface, f"Your decision{'s' if n != 1 else ''}", inner.topleft, T.SIZE_BODY, T.TEXT, "semibold")
        y = inner.top + 42
        for lines in wrapped:
            for i, parts in enumerate(lines):
                x = inner.left + (0 if i == 0 else 24)
                for part in parts:
                    if y + step > inner.bottom + 6:
                        T.lost(" ".join(parts), "no room left in the decisions box")
                        return h
                    T.text(surface, part, (x, y), T.SIZE_SMALL, T.TEXT if i == 0 else T.TEXT_DIM, weights[i > 0],
                           box=inner)
                    y += step
            y += 8
        return h

    def draw_losses(self, surface, box, o: Outcome) -> None:
        inner = self._chart_box(surface, box)
        T.text(surface, f"Where the {words.horizon_noun(self.scenario)} lost most", inner.topleft, T.SIZE_LABEL, T.TEXT, "semibold")
        y = inner.top + 54
        if not o.losses:
            T.text(surface, "Nothing worth mentioning.", (inner.left, y), T.SIZE_BODY, T.TEXT_DIM)
            return
        width = inner.width - 48
        messages = [loss.message(self.scenario.currency) for loss in o.losses]
        wrapped = [T.wrap(m, width, T.SIZE_SMALL) for m in messages]
        for i, lines in enumerate(wrapped):
            if y + 34 * len(lines) > inner.bottom + 8:
                break  # the ranking shows as many losses as fit whole, the biggest first
            pygame.draw.circle(surface, T.ORANGE if i == 0 else T.PANEL_HI, (inner.left + 16, y + 17), 16)
            T.text(surface, str(i + 1), (inner.left + 16, y + 17), T.SIZE_SMALL, T.TEXT, "bold", anchor="center")
            for line in lines:
                T.text(surface, line, (inner.left + 46, y + 17), T.SIZE_SMALL, T.TEXT, anchor="midleft")
                y += 34
            y += 12
