"""The decision dialog: the day stops at a shock, an advisor asks, the player picks one of 2-3 choices.

When the watched day (built with `ask=True`) stops at an event that carries a decision, the run scene opens
this dialog over the veiled, paused board: the advisor's portrait and question, then a card per choice
with its label, the advisor's line for it and its rest-of-day forecast (the profit on the evaluation days
it leads to, the difference against the default choice, and the penalty that moves most between the
choices), worked out in the background (game.play.outlook) from the state the day is in now; until a
forecast is in, the card says "Working out what each choice would do…". A tap on a card, or 1/2/3,
calls `on_choose(choice_id)`. With a `timer` (the kiosk's `decide_within`) a bar counts down the
decision's `seconds` of wall time and the default is taken when it runs out.

Why a stacked overlay inside the run scene rather than a Scene pushed on the stack: the day's other work
(the scout proving the rest of the day, the forecast job, the banners' clock) belongs to the run scene and
must go on being polled while the dialog shows, and the run scene already owns the same pattern for the
lever panel (input goes to the overlay while it is open, time is frozen); a pushed scene would have to
reach back into the covered one for all of it.

`choice_views(event)` reads the engine's decision as the dialog needs it, in one place.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pygame

from game.play.outlook import profit_of
from game.scenes.run.regions import BOARD_RECT
from game.ui import portraits, words
from game.ui import theme as T
from game.ui.veil import veil
from game.ui.widgets import Button

WORKING = "Working out what each choice would do…"
KEYS = (pygame.K_1, pygame.K_2, pygame.K_3)
CARD_H = 360
CARDS_TOP = 220  # the cards' top, from the dialog's: room for a question of three lines


@dataclass(frozen=True)
class ChoiceView:
    id: str
    label: str
    say: str


@dataclass(frozen=True)
class DecisionView:
    """An event's decision as the dialog shows it."""

    advisor: str | None  # the advisor's id
    question: str
    seconds: float
    default: str
    choices: tuple[ChoiceView, ...]

    def label(self, choice_id: str) -> str:
        return next((c.label for c in self.choices if c.id == choice_id), str(choice_id).replace("_", " "))


def decision_view(event) -> DecisionView:
    """The decision `event` carries (engine.decisions.Decision), read once for the dialog."""
    d = event.decision
    ask = d.ask  # engine.model.Line (advisor, text), or None
    choices = tuple(ChoiceView(c.id, c.label, c.say) for c in d.choices)
    return DecisionView(ask.advisor if ask else None, ask.text if ask else "", float(d.seconds), d.default,
                        choices)


def telling_charge(outlooks: dict) -> str | None:
    """The penalty line whose money moves most between the options' outlooks (None: none moves)."""
    known = [o for o in outlooks.values() if o is not None]
    labels = {label for o in known for label, _ in o.money.penalties}
    moving = {}
    for label in labels:
        values = [charge_of(o, label) for o in known]
        moving[label] = max(values) - min(values)
    best = max(sorted(moving), key=moving.get, default=None)
    return best if best is not None and moving[best] >= 0.5 else None


def charge_of(outlook, label: str) -> float:
    return float(dict(outlook.money.penalties).get(label, 0.0))


class DecisionDialog:
    """The dialog of one decision (see the module docstring). `outlooks()` gives the forecasts so far:
    choice id -> Outlook or None."""

    def __init__(self, scenario, index: int, event, on_choose: Callable[[str], None],
                 outlooks: Callable[[], dict], timer: bool = False, until: str = "the end of the day"):
        self.scenario = scenario
        self.index = index
        self.at = float(event.at)
        self.view = decision_view(event)
        self.on_choose = on_choose
        self.outlooks = outlooks
        self.until = until  # "the end of the day": what the forecast runs to
        self.left: float | None = self.view.seconds if timer else None
        self.chosen: str | None = None
        box = self.rect()
        n = len(self.view.choices)
        gap = 28
        w = (box.width - 72 - gap * (n - 1)) // n
        self.cards = [Button((box.left + 36 + i * (w + gap), box.top + CARDS_TOP, w, CARD_H), "",
                             lambda cid=c.id: self.choose(cid), key=KEYS[i] if i < len(KEYS) else None)
                      for i, c in enumerate(self.view.choices)]

    @staticmethod
    def rect() -> pygame.Rect:
        w, h = 1500, CARDS_TOP + CARD_H + 120
        return pygame.Rect(BOARD_RECT.centerx - w // 2, BOARD_RECT.top + 54, w, h)  # under the event's banner

    @property
    def default_index(self) -> int:
        """Which card is the default choice."""
        return [c.id for c in self.view.choices].index(self.view.default)

    def choose(self, choice_id: str) -> None:
        if self.chosen is None:
            self.chosen = choice_id
            self.on_choose(choice_id)

    def handle(self, event) -> bool:
        return any(card.handle(event) for card in self.cards)

    def update(self, dt: float) -> None:
        """The kiosk's countdown: the default when it runs out."""
        if self.left is None or self.chosen is not None:
            return
        self.left -= dt
        if self.left <= 0:
            self.left = 0.0
            self.choose(self.view.default)

    # ---- drawing ----
    def draw(self, surface, clock: str) -> None:
        veil(surface)
        box = self.rect()
        v = self.view
        adv = self.scenario.advisors.get(v.advisor) if v.advisor else None
        colour = T.hex_colour(getattr(adv, "colour", None), T.SKY) if adv else T.SKY
        T.panel(surface, box, T.BG_LIGHT, radius=22, border=colour, width=4)
        tx = box.left + 36
        if adv is not None:
            surface.blit(portraits.portrait(adv, 150, self.scenario.path), (box.left + 32, box.top + 32))
            tx = box.left + 212
            T.text(surface, f"{adv.name} · {clock[:1].upper()}{clock[1:]}", (tx, box.top + 30), T.SIZE_SMALL, colour,
                   "semibold")
        else:
            T.text(surface, f"A decision · {clock}", (tx, box.top + 30), T.SIZE_SMALL, colour, "semibold")
        lines = T.wrap(v.question, box.right - 36 - tx, T.SIZE_LABEL, "semibold")[:3]
        for i, line in enumerate(lines):
            T.text(surface, line, (tx, box.top + 72 + i * 44), T.SIZE_LABEL, T.TEXT, "semibold")
        outlooks = self.outlooks()
        charge = telling_charge(outlooks) if all(o is not None for o in outlooks.values()) else None
        base = profit_of(outlooks.get(v.default))
        for i, (choice, card) in enumerate(zip(v.choices, self.cards)):
            self._draw_card(surface, card, i, choice, outlooks.get(choice.id), base, charge)
        self._draw_foot(surface, box, all(o is not None for o in outlooks.values()))

    def _draw_card(self, surface, card: Button, i: int, choice: ChoiceView, outlook, base, charge) -> None:
        r = card.rect
        default = choice.id == self.view.default
        fill = T.PANEL_HI if not card.pressed else T.BLUE
        T.panel(surface, r, fill, radius=16, border=T.ACCENT if card.hover else T.LINE, width=3)
        x, w = r.left + 24, r.width - 48
        T.text(surface, f"{i + 1}", (r.right - 24, r.top + 18), T.SIZE_SMALL, T.TEXT_DIM, "bold", anchor="topright")
        size = T.fit(choice.label, w - 40, T.SIZE_LABEL, "bold")
        T.text(surface, T.ellipsize(choice.label, w - 40, size, "bold"), (x, r.top + 18), size, T.TEXT, "bold")
        y = r.top + 70
        if choice.say:
            for line in T.wrap(choice.say, w, T.SIZE_SMALL)[:3]:
                T.text(surface, line, (x, y), T.SIZE_SMALL, T.TEXT_DIM)
                y += 32
        y = r.top + 180
        cur = self.scenario.currency
        profit = profit_of(outlook)
        if profit is None:
            T.text(surface, "Working it out…", (x, y + 10), T.SIZE_BODY, T.TEXT_DIM)
            return
        T.text(surface, T.ellipsize(f"Profit by {self.until}", w, T.SIZE_SMALL), (x, y), T.SIZE_SMALL, T.TEXT_DIM)
        T.text(surface, f"{profit:,.0f} {cur}", (x, y + 32), T.SIZE_HEAD, T.TEXT, "bold")
        if default:
            note, tone = "if nobody decides", T.TEXT_DIM
        elif base is not None:
            gap = profit - base
            note = f"{'+' if gap >= 0 else '−'}{abs(gap):,.0f} {cur} vs the default"
            tone = T.GOOD if gap > 0.5 else (T.BAD if gap < -0.5 else T.TEXT_DIM)
        else:
            note, tone = "", T.TEXT_DIM
        T.text(surface, note, (x, y + 94), T.SIZE_SMALL, tone, "semibold")
        if charge is not None:
            line = f"{charge}: {charge_of(outlook, charge):,.0f} {cur}"
            T.text(surface, T.ellipsize(line, w, T.SIZE_SMALL), (x, y + 130), T.SIZE_SMALL, T.TEXT_DIM)

    def _draw_foot(self, surface, box: pygame.Rect, ready: bool) -> None:
        y = box.bottom - 90
        note = (f"Forecast on {words.evaluation_runs(self.scenario)}, the same demand for every choice." if ready
                else WORKING)
        room = box.width - 72 if self.left is None else box.width - 540
        T.text(surface, T.ellipsize(note, room, T.SIZE_SMALL), (box.left + 36, y + 8), T.SIZE_SMALL, T.TEXT_DIM)
        hint = "Tap a choice, or press 1, 2" + (", 3" if len(self.cards) > 2 else "")
        T.text(surface, hint, (box.left + 36, y + 46), T.SIZE_SMALL, T.TEXT_DIM)
        if self.left is not None:
            bar = pygame.Rect(box.right - 456, y + 18, 420, 18)
            frac = max(0.0, min(1.0, self.left / max(1e-9, self.view.seconds)))
            pygame.draw.rect(surface, T.PANEL, bar, border_radius=9)
            pygame.draw.rect(surface, T.YELLOW, (bar.left, bar.top, int(bar.width * frac), bar.height),
                             border_radius=9)
            T.text(surface, f"{self.view.label(self.view.default)} in {max(0, int(self.left + 0.999))} s",
                   (bar.right, bar.bottom + 8), T.SIZE_SMALL, T.YELLOW, "semibold", anchor="topright")
