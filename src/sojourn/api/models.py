"""Response models per view: a role receives only the fields its groups allow (the views are
built by projection, and these models say which keys can appear at all)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds")


#: Names and ids the API accepts: no control characters (PostgreSQL refuses NUL in text).
USERNAME = r"^[A-Za-z0-9_.@-]+$"
ID = r"^[A-Za-z0-9_.:-]+$"


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=USERNAME)
    password: str = Field(min_length=1, max_length=1024)


class Value(BaseModel):
    value: str
    records: list[str] = Field(description="the records that give this value")


class PersonView(BaseModel):
    person_id: str
    field_groups: list[str] = Field(description="the field groups this view was projected to")
    identity: dict[str, list[Value]] = Field(description="each allowed field's values, sourced")
    records: dict[str, int] = Field(description="records this view may show, by kind")


class RecordView(BaseModel):
    id: str
    source: str
    source_record_id: str
    file: str
    row: int
    kind: str
    event_date: str | None  # None: an undated identity-only record (a person list)
    field_group: str
    identity: dict[str, Any]
    event: dict[str, Any]


class LinkView(BaseModel):
    record_id: str
    probability: float | None
    method: str
    model_version: str
    run_id: int | None
    evidence: dict[str, Any] | None


class UserView(BaseModel):
    username: str
    role: str
    active: bool
    created_at: str


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=USERNAME)
    role: str
    password: str = Field(min_length=12, max_length=1024)


class AuditEventView(BaseModel):
    seq: int
    at: str
    actor: str
    role: str
    purpose: str
    action: str
    resource_type: str
    resource_ids: list[str]
    fields: list[str]
    decision: str
    policy_ids: list[str]
    request_id: str


class VerifyView(BaseModel):
    ok: bool
    events: int
    checkpoints: int
    first_bad_event: int | None
    problems: list[str]


class SearchHit(BaseModel):
    person_id: str
    probability: float = Field(description="the best match probability of the person's records")
    matched: list[str] = Field(description="the comparisons that agreed: why it matched")


class PersonExport(BaseModel):
    """A person's file as the caller may see it, in one document, with who exported it,
    when and why (the same facts as the export's audit event)."""

    person_id: str
    exported_at: str
    exported_by: str
    role: str
    purpose: str
    request_id: str = Field(description="the request id of the export's audit event")
    as_of: str = Field(description="the date the status timeline is computed for")
    field_groups: list[str]
    person: PersonView
    records: list[RecordView]
    links: list[LinkView]
    status: dict[str, Any] | None = Field(
        description="the status timeline, or null when the caller may not see the "
        "immigration history"
    )
