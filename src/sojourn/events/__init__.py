"""Events below the domain: an event (``event``), the transactional outbox and the consumers'
inbox (``bus``, ``tables``), the adapters (``inprocess``, the embedded default; ``jetstream``,
NATS JetStream in production) and the subscriptions and alerts written in the transaction of a
change (``alerts``). Domain packages (cases, resolve) publish through it; the real-time
pipeline that consumes (``sojourn.stream``) sits above them. It imports no domain package but
the audit log and the users table its alerts need."""
