"""Kiosk mode: a trade-show stand that plays itself until someone taps."""
