-- The departure report in DuckDB: the SQL twin of reports/departures.py (a test keeps them
-- equal). Input: table `events` (see outcomes.sql) and the variables start_day, end_day.
-- Output: tables `departure_days` (pk, day, level: one departure per person and day, at its
-- strongest evidence), `departure_conflicts` (record_id) and `intents` (intent_on, verified).
-- Statements are separated by a line holding only ';'.

-- Departures known on the snapshot date, each with the first record of presence in the
-- country dated after it.
CREATE OR REPLACE TEMP TABLE departures_known AS
SELECT p.pk, p.record_id, p.d, p.level, i.d AS next_seen
FROM (
    SELECT pk, record_id, event_date AS d, event->>'provenance' AS level
    FROM events WHERE kind = 'departure' AND event_date <= getvariable('end_day')
) p
ASOF LEFT JOIN (
    SELECT DISTINCT pk, event_date AS d FROM events
    WHERE kind IN ('address', 'status', 'custody', 'conviction', 'court')
) i ON p.pk = i.pk AND i.d > p.d
;
-- A manifest departure followed by a record of presence (by the snapshot date) is a conflict.
CREATE OR REPLACE TEMP TABLE departure_conflicts AS
SELECT record_id FROM departures_known
WHERE level = 'manifest' AND next_seen <= getvariable('end_day')
  AND d >= getvariable('start_day')
;
CREATE OR REPLACE TEMP TABLE departure_days AS
SELECT pk, d AS day, arg_min(level, list_position(
    ['biometric', 'manifest', 'land_exchange', 'self_departure_verified'], level)) AS level
FROM departures_known
WHERE NOT (level = 'manifest' AND coalesce(next_seen <= getvariable('end_day'), false))
GROUP BY pk, d
;
CREATE OR REPLACE TEMP TABLE intents AS
SELECT event_date AS intent_on,
    CASE WHEN v <= getvariable('end_day') THEN v END AS verified
FROM (
    SELECT event_date, TRY_CAST(event->>'verified_departure_on' AS DATE) AS v
    FROM events WHERE kind = 'self_departure'
      AND event_date BETWEEN getvariable('start_day') AND getvariable('end_day')
) s
