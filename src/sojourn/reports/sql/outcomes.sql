-- Each admission's outcome by the DHS Entry/Exit Overstay Report method, in DuckDB: the SQL
-- twin of reports/admissions.py and status/stay.py (a differential test keeps them equal).
--
-- Input: table `events` (pk: a number per person, record_id, kind, event_date, event JSON
-- text, nationality), tables `rule_class` (rule_id, eff_from, eff_to, class) and `rule_param`
-- (rule_id, eff_from, eff_to, name, value) taken from the rule book, and the variable `as_of`.
-- Output: table `outcomes`, one row per admission known on the snapshot date.
-- Statements are separated by a line holding only ';'.

-- Arrivals known on the snapshot date, with the fields the stay rules read.
CREATE OR REPLACE TEMP TABLE arr AS
SELECT pk, record_id, event_date AS d, nationality, j.*
FROM (
    SELECT *, json_transform(event, '{"class_of_admission": "VARCHAR", "mode": "VARCHAR",
        "admit_until": "DATE", "duration_of_status": "BOOLEAN"}') AS j
    FROM events WHERE kind = 'arrival' AND event_date <= getvariable('as_of')
) a
;
-- Each admission with the horizon of its records (the eve of the next arrival on a later
-- day, or the snapshot date), its last day (the horizon; for all but the last of several
-- arrivals on one day, that day) and the admission whose stay rules apply (of several
-- arrivals on one day, the last, as status.stay does).
CREATE OR REPLACE TEMP TABLE adm AS
WITH days AS (
    SELECT pk, d, count(*) AS n, lead(d) OVER (PARTITION BY pk ORDER BY d) AS next_other
    FROM arr GROUP BY pk, d
),
shared AS (
    SELECT a.pk, a.d, max(a.record_id) AS last_of_day,
        arg_max({'cls': a.class_of_admission, 'until': a.admit_until,
                 'ds': coalesce(a.duration_of_status, false)}, a.record_id) AS s
    FROM arr a JOIN days ON days.pk = a.pk AND days.d = a.d AND days.n > 1
    GROUP BY a.pk, a.d
)
SELECT a.pk, a.record_id, a.d, a.nationality, a.class_of_admission AS cls, a.mode, horizon,
    CASE WHEN sh.pk IS NULL THEN a.class_of_admission ELSE sh.s.cls END AS s_cls,
    CASE WHEN sh.pk IS NULL THEN a.admit_until ELSE sh.s.until END AS s_until,
    CASE WHEN sh.pk IS NULL THEN coalesce(a.duration_of_status, false) ELSE sh.s.ds END AS s_ds,
    CASE WHEN a.record_id < sh.last_of_day THEN a.d ELSE horizon END AS last_day
FROM arr a JOIN days USING (pk, d) LEFT JOIN shared sh USING (pk, d),
LATERAL (SELECT CASE WHEN days.next_other IS NULL THEN getvariable('as_of')
                     ELSE least(getvariable('as_of'), days.next_other - 1) END AS horizon)
;
-- Student (SEVIS) records: the last one of each day.
CREATE OR REPLACE TEMP TABLE stu AS
SELECT pk, event_date AS d, j.status, j.status_date, j.program_end
FROM (
    SELECT *, json_transform(event, '{"status": "VARCHAR", "status_date": "DATE",
        "program_end": "DATE"}') AS j
    FROM events WHERE kind = 'student' AND event_date <= getvariable('as_of')
) s
QUALIFY row_number() OVER (PARTITION BY pk, event_date ORDER BY record_id DESC) = 1
;
-- Applications (status records).
CREATE OR REPLACE TEMP TABLE app AS
SELECT pk, record_id, event_date AS d, j.*
FROM (
    SELECT *, json_transform(event, '{"form": "VARCHAR", "decided_on": "DATE",
        "outcome": "VARCHAR", "valid_until": "DATE"}') AS j
    FROM events WHERE kind = 'status' AND event_date <= getvariable('as_of')
) s
;
-- The end of each admission's stay as admitted: visa waiver (capped), duration of status (the
-- student record's program end or completion plus the grace of the class, or the termination
-- date), parole and fixed periods (admit-until).
CREATE OR REPLACE TEMP TABLE stay0 AS
SELECT *,
    CASE
        WHEN waiver THEN least(coalesce(s_until, cap), cap)
        WHEN s_ds OR (s_until IS NULL AND ds_class)
            THEN CASE
                WHEN school_status IS NULL THEN NULL
                WHEN school_status = 'terminated' AND known_status IS NOT NULL THEN known_status
                ELSE school_end + (SELECT max(p.value)::INTEGER FROM rule_param p
                    WHERE p.rule_id = CASE left(coalesce(s_cls, ''), 1)
                        WHEN 'J' THEN 'grace.j1_program_end' WHEN 'M' THEN 'grace.m1_completion'
                        ELSE 'grace.f1_completion' END
                    AND p.name = 'grace_days' AND school_end BETWEEN p.eff_from AND p.eff_to)
            END
        ELSE s_until
    END AS until0
FROM (
    SELECT *, CASE WHEN school_status = 'completed' AND known_status IS NOT NULL
                   THEN known_status ELSE program_end END AS school_end
    FROM (
        SELECT a.*, wv.class IS NOT NULL AS waiver, ds.class IS NOT NULL AS ds_class,
            a.d + wp.value::INTEGER AS cap,
            s.status AS school_status, s.program_end,
            CASE WHEN s.status_date <= a.last_day THEN s.status_date END AS known_status
        FROM adm a
        LEFT JOIN rule_class wv ON wv.rule_id = 'admission.visa_waiver' AND wv.class = a.s_cls
            AND a.d BETWEEN wv.eff_from AND wv.eff_to
        LEFT JOIN rule_param wp ON wp.rule_id = 'admission.visa_waiver'
            AND wp.name = 'max_stay_days' AND a.d BETWEEN wp.eff_from AND wp.eff_to
        LEFT JOIN rule_class ds ON ds.rule_id = 'admission.duration_of_status'
            AND ds.class = a.s_cls AND a.d BETWEEN ds.eff_from AND ds.eff_to
        ASOF LEFT JOIN stu s ON a.pk = s.pk AND a.last_day >= s.d
    ) j
) k
;
-- Extensions and changes decided by the last day, in filing order: an approval extends a
-- timely stay (retroactively), a denial ends it on the decision date.
CREATE OR REPLACE TEMP TABLE steps AS
SELECT a.record_id AS rid, p.d, p.outcome, p.decided_on, p.valid_until,
    row_number() OVER (PARTITION BY a.record_id ORDER BY p.d, p.record_id) AS n
FROM stay0 a JOIN app p
  ON p.pk = a.pk AND p.d BETWEEN a.d AND a.last_day
WHERE NOT a.waiver AND p.form IN ('I-539', 'I-129') AND p.decided_on <= a.last_day
  AND ((p.outcome = 'approved' AND p.valid_until IS NOT NULL) OR p.outcome = 'denied')
;
CREATE OR REPLACE TEMP TABLE extended AS
WITH RECURSIVE ext(rid, n, until) AS (
    SELECT record_id, 0::BIGINT, until0 FROM stay0 WHERE record_id IN (SELECT rid FROM steps)
    UNION ALL
    SELECT e.rid, e.n + 1, CASE
        WHEN e.until IS NOT NULL AND s.d > e.until THEN e.until
        WHEN s.outcome = 'approved' THEN greatest(e.until, s.valid_until)
        WHEN e.until IS NOT NULL AND e.until < s.decided_on THEN s.decided_on
        ELSE e.until END
    FROM ext e JOIN steps s ON s.rid = e.rid AND s.n = e.n + 1
)
SELECT rid, until FROM ext QUALIFY n = max(n) OVER (PARTITION BY rid)
;
-- Departures, each with the first record of presence in the country dated after it.
CREATE OR REPLACE TEMP TABLE dep AS
SELECT p.pk, p.d, p.provenance, i.d AS next_seen
FROM (
    SELECT pk, event_date AS d, event->>'provenance' AS provenance
    FROM events WHERE kind = 'departure' AND event_date <= getvariable('as_of')
) p
ASOF LEFT JOIN (
    SELECT DISTINCT pk, event_date AS d FROM events
    WHERE kind IN ('address', 'status', 'custody', 'conviction', 'court')
) i ON p.pk = i.pk AND i.d > p.d
;
CREATE OR REPLACE TEMP TABLE stay AS
WITH left_on AS (
    SELECT a.record_id, max(p.d) AS gone
    FROM stay0 a JOIN dep p ON p.pk = a.pk AND p.d BETWEEN a.d AND a.last_day
    WHERE NOT (p.provenance = 'manifest' AND coalesce(p.next_seen <= a.horizon, false))
    GROUP BY a.record_id
)
SELECT a.*, coalesce(x.until, a.until0) AS until, g.gone
FROM stay0 a LEFT JOIN extended x ON x.rid = a.record_id LEFT JOIN left_on g USING (record_id)
;
-- Admissions covered by a timely application still pending (or an approved adjustment).
CREATE OR REPLACE TEMP TABLE covered AS
SELECT DISTINCT a.record_id
FROM stay a JOIN app p
  ON p.pk = a.pk AND p.d BETWEEN a.d AND least(a.until, a.last_day)
WHERE a.gone IS NULL AND p.form IN ('I-539', 'I-129', 'I-485', 'I-589')
  AND (p.decided_on IS NULL OR p.decided_on > a.last_day
       OR (p.form = 'I-485' AND p.outcome = 'approved'))
;
CREATE OR REPLACE TEMP TABLE outcomes AS
SELECT pk, record_id, d AS arrival_date, cls AS class_of_admission, mode,
    until AS authorized_until, gone AS departure_date, nationality,
    CASE
        WHEN until IS NULL THEN 'no_end'
        WHEN gone IS NOT NULL THEN CASE WHEN gone > until THEN 'out_of_country' ELSE 'on_time' END
        WHEN last_day < getvariable('as_of') THEN 'left_date_unknown'
        WHEN until >= getvariable('as_of') THEN 'not_due'
        WHEN record_id IN (SELECT record_id FROM covered) THEN 'covered'
        ELSE 'in_country'
    END AS outcome,
    CASE
        WHEN until IS NULL THEN NULL
        WHEN gone IS NOT NULL THEN CASE WHEN gone > until THEN date_diff('day', until, gone) END
        WHEN last_day < getvariable('as_of') OR until >= getvariable('as_of') THEN NULL
        WHEN record_id IN (SELECT record_id FROM covered) THEN NULL
        ELSE date_diff('day', until, getvariable('as_of'))
    END AS overstay_days
FROM stay
