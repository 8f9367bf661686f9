-- The departure report in Spark SQL: the port of reports/sql/departures.sql (a test keeps the
-- two equal). Input: view `events` (see outcomes.sql); {start} and {end} are the first day and
-- the snapshot date. Output: views `departure_days` (pk, day, level: one departure per person
-- and day, at its strongest evidence), `departure_conflicts` (record_id) and `intents`
-- (intent_on, verified). Statements are separated by a line holding only ';'.

-- Departures known on the snapshot date, each with the first record of presence in the
-- country dated after it (DuckDB's ASOF join: here the least later date of a left join).
CREATE OR REPLACE TEMP VIEW departures_known AS
SELECT p.pk, p.record_id, p.d, p.level, min(i.d) AS next_seen
FROM (
    SELECT pk, record_id, event_date AS d, get_json_object(event, '$.provenance') AS level
    FROM events WHERE kind = 'departure' AND event_date <= {end}
) p
LEFT JOIN (
    SELECT DISTINCT pk, event_date AS d FROM events
    WHERE kind IN ('address', 'status', 'custody', 'conviction', 'court')
) i ON p.pk = i.pk AND i.d > p.d
GROUP BY p.pk, p.record_id, p.d, p.level
;
-- A manifest departure followed by a record of presence (by the snapshot date) is a conflict.
CREATE OR REPLACE TEMP VIEW departure_conflicts AS
SELECT record_id FROM departures_known
WHERE level = 'manifest' AND next_seen <= {end} AND d >= {start}
;
-- The strongest evidence of each person's day: the first level in this order (an unknown
-- level has no place in it, and is never the strongest, as DuckDB's list_position gives it).
CREATE OR REPLACE TEMP VIEW departure_days AS
SELECT pk, d AS day, min_by(level, nullif(array_position(
    array('biometric', 'manifest', 'land_exchange', 'self_departure_verified'), level), 0)) AS level
FROM departures_known
WHERE NOT (level = 'manifest' AND coalesce(next_seen <= {end}, false))
GROUP BY pk, d
;
CREATE OR REPLACE TEMP VIEW intents AS
SELECT event_date AS intent_on,
    CASE WHEN v <= {end} THEN v END AS verified
FROM (
    SELECT event_date, try_cast(get_json_object(event, '$.verified_departure_on') AS DATE) AS v
    FROM events WHERE kind = 'self_departure' AND event_date BETWEEN {start} AND {end}
) s
