-- Each admission's outcome by the DHS Entry/Exit Overstay Report method, in DuckDB: the SQL
-- twin of reports/admissions.py and status/stay.py (a differential test keeps them equal).
--
-- Input: table `events` (pk: a number per person, record_id, kind, event_date, event JSON
-- text, nationality), tables `rule_class` (rule_id, eff_from, eff_to, class) and `rule_param`
-- (rule_id, eff_from, eff_to, name, value) taken from the rule book, and the variable `as_of`.
-- Output: table `outcomes`, one row per admission known on the snapshot date.
-- Statements are separated by a line holding only ';'. Admissions are known by their row
-- in `arr` (ak) and persons by a number (pk): the joins compare numbers, not id texts.

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
SELECT a.rowid AS ak, a.pk, a.d, horizon,
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
-- Which rule sets each stay's end: visa waiver (admit-until capped), duration of status (a
-- school record), or a fixed period (admit-until, as for parole).
CREATE OR REPLACE TEMP TABLE kinds AS
WITH waiver AS (
    SELECT c.class, c.eff_from, c.eff_to, p.value::INTEGER AS max_days
    FROM rule_class c JOIN rule_param p USING (rule_id, eff_from, eff_to)
    WHERE c.rule_id = 'admission.visa_waiver' AND p.name = 'max_stay_days'
),
ds AS (SELECT * FROM rule_class WHERE rule_id = 'admission.duration_of_status')
SELECT a.ak, a.pk, a.d, a.last_day, a.horizon, a.s_cls, a.s_until,
    w.class IS NOT NULL AS waiver, a.d + w.max_days AS cap,
    w.class IS NULL AND (a.s_ds OR (a.s_until IS NULL AND ds.class IS NOT NULL)) AS school
FROM adm a
LEFT JOIN waiver w ON w.class = a.s_cls AND a.d BETWEEN w.eff_from AND w.eff_to
LEFT JOIN ds ON ds.class = a.s_cls AND a.d BETWEEN ds.eff_from AND ds.eff_to
;
-- Duration of status: the school record's program end (or completion) plus the grace of the
-- class, the termination date, or an authorized withdrawal plus its grace.
CREATE OR REPLACE TEMP TABLE school_end AS
WITH known AS (
    SELECT k.ak, k.s_cls, s.pk IS NOT NULL AS has_record, s.status,
        CASE WHEN s.status_date <= k.last_day THEN s.status_date END AS status_date,
        s.program_end
    FROM (SELECT ak, pk, last_day, s_cls FROM kinds WHERE school) k
    ASOF LEFT JOIN stu s ON k.pk = s.pk AND k.last_day >= s.d
),
ends AS (
    SELECT *, CASE WHEN status = 'completed' AND status_date IS NOT NULL THEN status_date
                   ELSE program_end END AS ends_on,
        CASE left(coalesce(s_cls, ''), 1) WHEN 'J' THEN 'grace.j1_program_end'
            WHEN 'M' THEN 'grace.m1_completion' ELSE 'grace.f1_completion' END AS grace_rule
    FROM known
)
SELECT e.ak, CASE
        WHEN NOT e.has_record THEN NULL
        WHEN e.status = 'terminated' AND e.status_date IS NOT NULL THEN e.status_date
        WHEN e.status = 'withdrawn' AND e.status_date IS NOT NULL
            THEN e.status_date + coalesce(w.value::INTEGER, 0)
        ELSE e.ends_on + g.value::INTEGER
    END AS until
FROM ends e
LEFT JOIN rule_param g ON g.rule_id = e.grace_rule AND g.name = 'grace_days'
    AND e.ends_on BETWEEN g.eff_from AND g.eff_to
-- a withdrawal the DSO authorized: the F-1 grace (none for M or J)
LEFT JOIN rule_class wc ON wc.rule_id = 'grace.f1_withdrawal' AND wc.class = e.s_cls
    AND e.status_date BETWEEN wc.eff_from AND wc.eff_to
LEFT JOIN rule_param w ON w.rule_id = wc.rule_id AND w.name = 'grace_days'
    AND w.eff_from = wc.eff_from AND w.eff_to = wc.eff_to
;
CREATE OR REPLACE TEMP TABLE stay0 AS
SELECT k.ak, k.pk, k.d, k.last_day, k.horizon, k.waiver, CASE
        WHEN k.waiver THEN least(coalesce(k.s_until, k.cap), k.cap)
        WHEN k.school THEN e.until
        ELSE k.s_until
    END AS until0
FROM kinds k LEFT JOIN school_end e USING (ak)
;
-- Extensions and changes decided by the last day, in filing order: an approval extends the
-- stay (retroactively; an untimely request too, once approved: 8 CFR 214.1(c)(4)), a timely
-- request's denial or withdrawal ends it on the decision date.
CREATE OR REPLACE TEMP TABLE steps AS
SELECT a.ak, p.d, p.outcome, p.decided_on, p.valid_until,
    row_number() OVER (PARTITION BY a.ak ORDER BY p.d, p.record_id) AS n
FROM stay0 a JOIN app p
  ON p.pk = a.pk AND p.d BETWEEN a.d AND a.last_day
WHERE NOT a.waiver AND p.form IN ('I-539', 'I-129') AND p.decided_on <= a.last_day
  AND ((p.outcome = 'approved' AND p.valid_until IS NOT NULL)
       OR p.outcome IN ('denied', 'withdrawn'))
;
CREATE OR REPLACE TEMP TABLE extended AS
WITH RECURSIVE ext(ak, n, until) AS (
    SELECT ak, 0::BIGINT, until0 FROM stay0 WHERE ak IN (SELECT ak FROM steps)
    UNION ALL
    SELECT e.ak, e.n + 1, CASE
        WHEN e.until IS NOT NULL AND s.d > e.until AND s.outcome <> 'approved' THEN e.until
        WHEN s.outcome = 'approved' THEN greatest(e.until, s.valid_until)
        WHEN e.until IS NOT NULL AND e.until < s.decided_on THEN s.decided_on
        ELSE e.until END
    FROM ext e JOIN steps s ON s.ak = e.ak AND s.n = e.n + 1
)
SELECT ak, until FROM ext QUALIFY n = max(n) OVER (PARTITION BY ak)
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
-- Each admission's authorized stay and its confirmed departure (the latest one not
-- contradicted by a later record of presence).
CREATE OR REPLACE TEMP TABLE stay AS
WITH left_on AS (
    SELECT a.ak, max(p.d) AS gone
    FROM stay0 a JOIN dep p ON p.pk = a.pk AND p.d BETWEEN a.d AND a.last_day
    WHERE NOT (p.provenance = 'manifest' AND coalesce(p.next_seen <= a.horizon, false))
    GROUP BY a.ak
)
SELECT a.ak, a.pk, a.d, a.last_day, a.waiver, coalesce(x.until, a.until0) AS until, g.gone
FROM stay0 a LEFT JOIN extended x USING (ak) LEFT JOIN left_on g USING (ak)
;
-- Each person's first evidence of U.S. citizenship (status.standing.CITIZENSHIP: a
-- naturalization, a U.S. passport, an SSA citizenship indicator A).
CREATE OR REPLACE TEMP TABLE citizen AS
SELECT pk, min(event_date) AS d
FROM events
WHERE event_date <= getvariable('as_of')
  AND (kind IN ('naturalization', 'passport')
       OR (kind = 'numident' AND event->>'citizenship_code' = 'A'))
GROUP BY pk
;
-- Admissions covered by a timely application pending on the day that matters (or an approved
-- adjustment): the last day for a person still here, the departure day for a late one. A
-- visa-waiver entrant's extension or change covers nothing (INA 217(a)(1)). A person shown
-- to be a U.S. citizen by the admission's last day is no overstay either.
CREATE OR REPLACE TEMP TABLE covered AS
WITH late AS (
    SELECT ak, pk, d, last_day, waiver, until, coalesce(gone, last_day) AS upto FROM stay
    WHERE gone IS NULL OR gone > until
)
SELECT a.ak
FROM late a
JOIN app p ON p.pk = a.pk AND p.d BETWEEN a.d AND least(a.until, a.upto)
WHERE p.form IN ('I-539', 'I-129', 'I-485', 'I-589')
  AND NOT (a.waiver AND p.form IN ('I-539', 'I-129'))
  AND (p.decided_on IS NULL OR p.decided_on > a.upto
       OR (p.form = 'I-485' AND p.outcome = 'approved'))
UNION
SELECT a.ak FROM late a JOIN citizen c ON c.pk = a.pk AND c.d <= a.last_day
;
CREATE OR REPLACE TEMP TABLE outcomes AS
SELECT a.pk, a.record_id, a.d AS arrival_date, a.class_of_admission, a.mode,
    s.until AS authorized_until, s.gone AS departure_date, a.nationality,
    CASE
        WHEN s.until IS NULL THEN 'no_end'
        WHEN s.gone > s.until AND c.ak IS NULL THEN 'out_of_country'
        WHEN s.gone IS NOT NULL THEN 'on_time'
        WHEN s.last_day < getvariable('as_of') THEN 'left_date_unknown'
        WHEN s.until >= getvariable('as_of') THEN 'not_due'
        WHEN c.ak IS NOT NULL THEN 'covered'
        ELSE 'in_country'
    END AS outcome,
    CASE
        WHEN s.gone > s.until AND c.ak IS NULL THEN date_diff('day', s.until, s.gone)
        WHEN s.gone IS NOT NULL OR s.last_day < getvariable('as_of') THEN NULL
        WHEN s.until < getvariable('as_of') AND c.ak IS NULL
            THEN date_diff('day', s.until, getvariable('as_of'))
    END AS overstay_days
FROM arr a JOIN stay s ON s.ak = a.rowid LEFT JOIN covered c ON c.ak = a.rowid
