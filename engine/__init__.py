"""ProcessPlay's engine: scenario loading and validation, the discrete-event simulation, scoring.

Pure Python with numpy, networkx and PyYAML; it never imports pygame, so everything a screen shows can be
computed on the command line and in tests.
"""
