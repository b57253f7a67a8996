from __future__ import annotations

import json
from dataclasses import fields

import pytest

from skill import events as ev


def _example(cls: type[ev.Event]) -> ev.Event:
    values = {"str": "x", "int": 2, "float": 1.5, "bool": True}
    kwargs = {f.name: values[str(f.type)] for f in fields(cls) if f.name != "t"}
    return cls(t=12.3456, **kwargs)


@pytest.mark.parametrize("cls", list(ev.EVENT_TYPES.values()), ids=list(ev.EVENT_TYPES))
def test_every_event_round_trips_through_json(cls: type[ev.Event]) -> None:
    event = _example(cls)
    data = json.loads(json.dumps(event.to_dict()))
    assert data["type"] == cls.type
    assert data["t"] == 12.346
    back = ev.from_dict(data)
    assert type(back) is cls
    assert back.to_dict() == event.to_dict()


def test_event_types_are_unique_and_complete() -> None:
    subclasses = {cls.type for cls in ev.Event.__subclasses__()}
    assert subclasses == set(ev.EVENT_TYPES)


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        ev.from_dict({"t": 0, "type": "nope"})
