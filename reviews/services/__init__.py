"""Writes: atomic, audited, keyword-only, named <entity>_<action>."""
