"""The event bus: an in-process adapter (the embedded default) and NATS JetStream
(production), a transactional outbox so that a state change and its event are never
separated, idempotent consumers, and a dead-letter subject for events that cannot be used."""
