"""A lead: the visitor's name, company and email, kept only with their explicit consent.

Three fields typed on the on-screen keyboard (a text layout, and one with @ and . for the address), Tab
or Next moving between them; capitals where a name's words start, as a phone keyboard does. Each field
says whether it is of the right shape (the address by the store's own check, `email_ok`, no network).
"Send" is enabled only once the consent box is ticked and every field is right; the consent's words
(`CONSENT`) are kept with the lead. Sent or declined ("No thanks", Esc), the visitor is back on the boards.
A save the machine refuses (a full disk) is said here and logged, and the visitor stays.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.data.store import SaveError
from game.modes.kiosk.boards import grade_of
from game.modes.shared import save_failed, store
from game.scenes import MARGIN, Screen, primary_rect, secondary_rect
from game.ui import theme as T
from game.ui.keyboard import Keyboard, TextField
from game.ui.widgets import Button, pointer, primary

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.kiosk.mode import Kiosk


def email_ok(text: str) -> bool:
    """The store's own check of an address's shape (no network)."""
    from game.data.store import LeadError, check_email

    try:
        check_email(text)
    except LeadError:
        return False
    return True


CONSENT = ("Yes, the ProcessPlay team may contact me about this demo. My details are kept for that alone "
           "and deleted on request.")


class LeadScene(Screen):
    """Name, company and email, kept only when the visitor ticks the consent box."""

    name = "lead"

    def __init__(self, app, rnd, kiosk: "Kiosk", mine: str | None = None):
        super().__init__(app)
        self.round = rnd
        self.kiosk = kiosk
        self.mine = mine
        fw = (T.W - 2 * MARGIN - 2 * 40) // 3
        self.fields = [TextField((MARGIN + i * (fw + 40), 226, fw, 76), label, 60, valid, hint)
                       for i, (label, valid, hint) in enumerate([
                           ("Name", lambda s: len(s.strip()) >= 2, "Ada Lovelace"),
                           ("Company", lambda s: len(s.strip()) >= 2, "Analytical Engines Ltd"),
                           ("Email", email_ok, "ada@example.com")])]
        self.focus = 0
        self.fields[0].focused = True
        self.consent = False
        self.consent_rect = pygame.Rect(MARGIN, 330, T.W - 2 * MARGIN, 84)
        self.keyboards = {layout: Keyboard(pygame.Rect(MARGIN + 60, 440, T.W - 2 * MARGIN - 120, 470), layout,
                                           on_char=self.type, on_back=self.back, on_enter=self.next_field)
                          for layout in ("text", "email")}
        self.send_button = Button(primary_rect(), "Send  ▶", self.send, kind="primary", enabled=False)
        self.buttons = [self.send_button, Button(secondary_rect(0), "No thanks", self.cancel, kind="quiet")]
        self.message = ""
        self.saved = False

    @property
    def keyboard(self) -> Keyboard:
        return self.keyboards["email" if self.focus == 2 else "text"]

    @property
    def complete(self) -> bool:
        return all(f.ok for f in self.fields)

    def _sync(self) -> None:
        self.send_button.enabled = self.consent and self.complete
        for k in self.keyboards.values():
            k.enter_label = "Next" if self.focus < 2 else "Done"
        # capitals where a name's words start, as a phone keyboard does; an address in small letters
        text = self.fields[self.focus].text
        self.keyboards["text"].upper = not text or text.endswith((" ", "-"))
        self.keyboards["email"].upper = False

    def set_focus(self, i: int) -> None:
        self.focus = i % len(self.fields)
        for j, f in enumerate(self.fields):
            f.focused = j == self.focus
        self._sync()

    def type(self, s: str) -> None:
        self.fields[self.focus].type(s)
        self._sync()

    def back(self) -> None:
        self.fields[self.focus].back()
        self._sync()

    def next_field(self) -> None:
        self.set_focus(self.focus + 1)

    def toggle_consent(self) -> None:
        self.consent = not self.consent
        self._sync()

    def send(self) -> None:
        """Keep the lead; refused without consent or with a field not yet of the right shape."""
        if not self.consent:
            self.message = "Tick the box first: we keep your details only with your permission."
            return
        if not self.complete:
            self.message = "Please check the fields marked ✗."
            return
        name, company, email = (f.text.strip() for f in self.fields)
        g = grade_of(self.round)
        try:
            store(self.app).add_lead(name, company, email, consent=self.consent, scenario=self.round.scenario.id,
                                     profit=g.score if g else None, consent_text=CONSENT)
        except SaveError as e:  # the machine's failure (a full disk): said and logged; the visitor stays here
            self.message = save_failed(self.app, e, "your details")
            return
        except ValueError as e:  # game.data.store.LeadError: the store's own checks, said calmly
            self.message = str(e)
            return
        self.saved = True
        self.round.lead_saved = True
        self.kiosk.show_boards(self.round, mine=self.mine)

    def cancel(self) -> None:
        self.kiosk.show_boards(self.round, mine=self.mine)

    def on_back(self) -> None:
        self.cancel()

    def update(self, dt, events):
        self.age += dt
        for e in events:
            if any(b.handle(e) for b in self.buttons):
                continue
            if e.type == pygame.KEYDOWN:
                if e.key == pygame.K_ESCAPE:
                    self.on_back()
                elif e.key == pygame.K_TAB:
                    self.set_focus(self.focus + (-1 if e.mod & pygame.KMOD_SHIFT else 1))
                else:
                    self.keyboard.handle(e)
                continue
            if self.keyboard.handle(e):
                continue
            pos = pointer(e)
            if pos is not None and e.type == pygame.MOUSEBUTTONUP and primary(e):
                if self.consent_rect.collidepoint(pos):
                    self.toggle_consent()
                for i, f in enumerate(self.fields):
                    if f.rect.collidepoint(pos):
                        self.set_focus(i)

    def draw(self, surface):
        self.header(surface, "Stay in touch?", "Only if you want to: leave your details and tick the box.")
        for f in self.fields:
            f.draw(surface, self.age)
        r = self.consent_rect
        on = self.consent
        T.panel(surface, r, T.PANEL_HI if on else T.PANEL, radius=16, border=T.GOOD if on else T.LINE)
        tick = pygame.Rect(r.left + 18, r.centery - 28, 56, 56)
        T.panel(surface, tick, T.GOOD if on else T.BG_LIGHT, radius=10, border=T.TEXT if on else T.LINE, width=3)
        if on:
            T.text(surface, "✓", tick.center, T.SIZE_HEAD, T.TEXT, "bold", anchor="center")
        lines = T.wrap(CONSENT, r.width - 130, T.SIZE_SMALL)[:2]
        for i, line in enumerate(lines):
            T.text(surface, line, (tick.right + 26, r.centery + (i - (len(lines) - 1) / 2) * 32), T.SIZE_SMALL, T.TEXT,
                   anchor="midleft")
        self.keyboard.draw(surface)
        if self.message:  # between "No thanks" and "Send", on two lines if need be (a failed save says more)
            left, right = secondary_rect(0).right + 24, primary_rect().left - 24
            lines = T.wrap(self.message, right - left, T.SIZE_BODY, "semibold")[:2]
            for i, line in enumerate(lines):
                T.text(surface, line, ((left + right) // 2, primary_rect().centery + (i - (len(lines) - 1) / 2) * 36),
                       T.SIZE_BODY, T.WARN, "semibold", anchor="center")
        self.draw_buttons(surface)
