"""Following a person and being told: an analyst follows a person through the API; the next
event about that person writes one alert (audited like a read) in the pipeline's last
transaction; the same event again writes none; the alerts come through the API and as
server-sent events in the pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from sojourn.access.users import add_user
from sojourn.api.app import create_app
from sojourn.events.event import Event
from sojourn.events.inprocess import InProcessBus
from sojourn.records.mapping import builtin_mapping
from sojourn.stream.pipeline import Pipeline
from sojourn.stream.replay import events
from tests.stream.test_pipeline import _world
from tests.weblogin import form_token, web_login

PASSWORD = "a long enough passphrase"


def test_a_follower_is_told_once(engine: Engine, tmp_path: Path) -> None:
    manifest = _world(engine, tmp_path)
    add_user(engine, "ana", "analyst", PASSWORD, by="test")
    bus, told = InProcessBus(), []
    pipeline = Pipeline(engine, bus, as_of=dt.date(2025, 9, 30))
    bus.subscribe("sojourn.in.", pipeline.handle)
    bus.subscribe("sojourn.person.", told.append)
    first = next(events(manifest, builtin_mapping("cbp-apis-out")))
    bus.publish([first])
    person = told[0].payload["person"]
    client = TestClient(create_app(engine))
    token = client.post("/auth/login", json={"username": "ana", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}",
               "X-Purpose-Of-Use": "criminal_investigation"}  # fmt: skip
    assert client.post(f"/persons/{person}/follow", headers=headers).status_code == 201
    again = Event(first.subject, first.payload, first.key)  # the same row, a new event
    bus.publish([again, again])
    alerts = client.get("/alerts", headers=headers).json()
    assert len(alerts) == 1 and alerts[0]["person_id"] == person
    assert alerts[0]["summary"]["status"] == told[-1].payload["status"]
    with engine.connect() as conn:
        audited = conn.execute(text(
            "SELECT count(*) FROM audit_events WHERE action = 'alert.person' AND actor = 'ana'"
        )).scalar_one()  # fmt: skip
    assert audited == 1
    page = web_login(client, "ana", PASSWORD)
    client.post("/ui/purpose", data={"purpose": "criminal_investigation",
                                     "csrf": form_token(page.text)})  # fmt: skip
    stream = client.get("/ui/alerts/stream?seconds=0.6")
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "event: alert" in stream.text and person in stream.text
