"""Presets: the CCHC report set with a configurable unit day and the province day 20, directive 7946."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from scheduler.models import Deadline, Unit
from scheduler.presets import install, presets
from scheduler.rules import parse_rule


def test_cchc_set_uses_the_configured_unit_day(settings):
    p = presets(replace(settings, cchc_unit_due_day=5))["cchc"]
    unit, province = p.deadlines
    assert unit["rule"].startswith("chậm nhất ngày 5 ") and province["rule"].startswith("chậm nhất ngày 20 ")
    dues = [o.due for o in parse_rule(unit["rule"]).occurrences(date(2027, 1, 1), 4)]
    assert dues == [date(2027, 3, 5), date(2027, 6, 5), date(2027, 9, 5), date(2027, 12, 5)]
    assert "581/BNV-CCHC" in unit["source"] and province["audience_units"] == ["Sở Nội vụ"]
    assert presets(settings, 15)["cchc"].deadlines[0]["rule"].startswith("chậm nhất ngày 15 ")


def test_7946_dates_and_audiences(settings):
    so, xa = presets(settings)["7946"].deadlines
    assert [o.due for o in parse_rule(so["rule"]).occurrences(date(2027, 1, 1), 1)] == [date(2027, 1, 30)]
    assert [o.due for o in parse_rule(xa["rule"]).occurrences(date(2027, 1, 1), 1)] == [date(2027, 2, 28)]
    assert so["audience_types"] == ["so"] and xa["audience_types"] == ["xa"]
    assert "7946/UBND-NCPC" in so["source"]


def test_install_is_idempotent_and_never_targets_districts(app, clock):
    with app.db.session() as s:
        created, kept = install(s, presets(app.settings)["cchc"], app.settings, at=clock.now(), by="t")
        assert (created, kept) == (["cchc-donvi", "cchc-tinh"], [])
        assert install(s, presets(app.settings)["cchc"], app.settings, at=clock.now(), by="t") == \
            ([], ["cchc-donvi", "cchc-tinh"])
        install(s, presets(app.settings)["7946"], app.settings, at=clock.now(), by="t")
    with app.db.session() as s:
        rows = s.scalars(select(Deadline)).all()
        assert len(rows) == 4 and all("huyen" not in d.audience_types for d in rows)
        snv = s.scalar(select(Unit).where(Unit.name == "Sở Nội vụ"))
        assert snv.aliases == ["SNV"] and s.scalar(select(Deadline).where(Deadline.code == "cchc-tinh")).audience_units == [snv.id]
