"""The REST API (FastAPI): every route declares its authorization action and its audit
event, and goes through the same access control and audit as every other reader."""
