"""The ``scale`` operation as a catalogue item offers it (:mod:`nfvo.scaling`): the schema
made from a service's levels and aspects refuses what the item does not have
(:func:`nfvo.dialog.check`), and the instance page reads its choices back from it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nfvo import dialog, scaling

OFFER = {
    "levels": ["small", "large"],
    "default": "small",
    "aspects": {"workers": {"max_scale_level": 3}, "edge": {"max_scale_level": 1}},
}


def _refused(schema, values) -> dict:
    with pytest.raises(dialog.DialogError) as exc:
        dialog.check(schema, values)
    return exc.value.errors


def test_a_level_or_an_aspect_step_the_item_has_is_accepted():
    schema = scaling.dialog(OFFER)
    assert dialog.check(schema, {"scale_level": "large"}) == {"scale_level": "large"}
    assert dialog.check(schema, {"scale_aspect": "workers", "scale_steps": 3}) == {
        "scale_aspect": "workers",
        "scale_steps": 3,
    }


def test_what_the_item_does_not_offer_is_refused_at_its_field():
    schema = scaling.dialog(OFFER)
    assert "scale_level" in _refused(schema, {"scale_level": "huge"})
    assert "scale_aspect" in _refused(schema, {"scale_aspect": "nope", "scale_steps": 0})
    assert "scale_steps" in _refused(schema, {"scale_aspect": "edge", "scale_steps": 2})  # edge stops at 1
    assert "scale_steps" in _refused(schema, {"scale_aspect": "workers"})  # an aspect needs its steps
    assert "scale_aspect" in _refused(schema, {"scale_steps": 1})  # and steps their aspect


def test_the_page_reads_the_choices_back():
    assert scaling.choices(scaling.dialog(OFFER)) == {
        "levels": ["small", "large"],
        "default": "small",
        "aspects": [{"name": "edge", "max": 1}, {"name": "workers", "max": 3}],
    }
    nothing = scaling.dialog({"levels": [], "default": None, "aspects": {}})
    assert scaling.choices(nothing) == {"levels": [], "default": None, "aspects": []}
    assert _refused(nothing, {"scale_level": "small"})


def test_other_scale_dialogs_are_no_offer():
    """A service.json without ``scaling`` (published before it existed) keeps the free fields;
    an item's own scale dialog (an OpenShift cluster's worker count) is shown as its fields."""
    assert scaling.dialog(None) is scaling.FREE_DIALOG
    assert scaling.choices(scaling.FREE_DIALOG) is None
    assert scaling.choices({"type": "object", "properties": {"worker_count": {"type": "integer"}}}) is None
    assert scaling.choices(None) is None
    odd = {  # an item's own schema of the same names, of another shape: read without a KeyError
        "type": "object",
        "properties": {"scale_aspect": {"enum": ["a"]}, "scale_steps": {"type": "integer", "maximum": 5}},
        "allOf": [{"if": {"properties": {"scale_aspect": {"enum": ["a"]}}}}, "not a rule"],
    }
    assert scaling.choices(odd) == {"levels": [], "default": None, "aspects": [{"name": "a", "max": 5}]}
    assert scaling.choices({"properties": {"scale_level": True}}) is None
    assert scaling.choices({"properties": {"scale_level": {"enum": "small"}}}) is None


def _job(operation, mode="apply", status="successful", **values):
    return SimpleNamespace(operation=operation, mode=mode, status=status, extra_vars=values)


def test_where_an_instance_was_last_scaled_to():
    assert scaling.current([_job("create", mode="plan")], "small") is None  # nothing applied yet
    applied = [_job("create", mode="plan"), _job("create")]
    assert scaling.current(applied, "small") == "level small"
    assert scaling.current([*applied, _job("scale", scale_level="large")], "small") == "level large"
    moved = [*applied, _job("scale", scale_level="large"), _job("scale", scale_aspect="workers", scale_steps=2)]
    assert scaling.current(moved, "small") == "aspect workers at 2 steps"
    assert scaling.current([*moved, _job("scale", status="failed", scale_level="small")], "small") == (
        "aspect workers at 2 steps"
    )
    assert scaling.current([*moved, _job("create")], "small") == "level small"  # create starts it over
