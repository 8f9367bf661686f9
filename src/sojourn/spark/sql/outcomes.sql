-- Each admission's outcome by the DHS Entry/Exit Overstay Report method, in Spark SQL: a port
-- of reports/sql/outcomes.sql (DuckDB), statement for statement, proven equal to it row for
-- row (tests/spark/test_report.py). What DuckDB has and Spark SQL has not, and its stand-in:
--   ASOF join             -> a range join on the person, the nearest row kept (row_number/min)
--   WITH RECURSIVE        -> aggregate() folding each admission's steps in filing order
--   QUALIFY               -> row_number() in a subquery
--   rowid                 -> the arrival's record id (one row per record in the snapshot)
--   json_transform, ->>   -> from_json, get_json_object
--   getvariable('as_of')  -> {as_of}, a DATE literal put in by sojourn.spark.report
--   d + n, date_diff      -> date_add, datediff
-- Input: view `events` (pk, record_id, kind, event_date DATE, event JSON text, nationality),
-- views `rule_class` (rule_id, eff_from, eff_to, class) and `rule_param` (rule_id, eff_from,
-- eff_to, name, value). Output: view `outcomes`. Each statement is one view, separated by a
-- line holding only ';'.

-- Arrivals known on the snapshot date, with the fields the stay rules read.
CREATE OR REPLACE TEMP VIEW arr AS
SELECT pk, record_id, d, nationality, j.class_of_admission, j.mode, j.admit_until,
    j.duration_of_status
FROM (
    SELECT pk, record_id, event_date AS d, nationality,
        from_json(event, 'class_of_admission STRING, mode STRING, admit_until DATE,
                          duration_of_status BOOLEAN') AS j
    FROM events WHERE kind = 'arrival' AND event_date <= {as_of}
) a
;
-- Each admission with the horizon of its records (the eve of the next arrival on a later
-- day, or the snapshot date), its last day and the admission whose stay rules apply (of
-- several arrivals on one day, the last).
CREATE OR REPLACE TEMP VIEW arr_days AS
SELECT pk, d, count(*) AS n, lead(d) OVER (PARTITION BY pk ORDER BY d) AS next_other
FROM arr GROUP BY pk, d
;
CREATE OR REPLACE TEMP VIEW adm AS
WITH shared AS (
    SELECT a.pk, a.d, max(a.record_id) AS last_of_day,
        max_by(named_struct('cls', a.class_of_admission, 'until', a.admit_until,
                            'ds', coalesce(a.duration_of_status, false)), a.record_id) AS s
    FROM arr a JOIN arr_days days ON days.pk = a.pk AND days.d = a.d AND days.n > 1
    GROUP BY a.pk, a.d
),
horizons AS (
    SELECT pk, d, CASE WHEN next_other IS NULL THEN {as_of}
                       ELSE least({as_of}, date_sub(next_other, 1)) END AS horizon
    FROM arr_days
)
SELECT a.record_id AS ak, a.pk, a.d, h.horizon,
    CASE WHEN sh.pk IS NULL THEN a.class_of_admission ELSE sh.s.cls END AS s_cls,
    CASE WHEN sh.pk IS NULL THEN a.admit_until ELSE sh.s.until END AS s_until,
    CASE WHEN sh.pk IS NULL THEN coalesce(a.duration_of_status, false) ELSE sh.s.ds END AS s_ds,
    CASE WHEN a.record_id < sh.last_of_day THEN a.d ELSE h.horizon END AS last_day
FROM arr a JOIN horizons h ON h.pk = a.pk AND h.d = a.d
LEFT JOIN shared sh ON sh.pk = a.pk AND sh.d = a.d
;
-- Student (SEVIS) records: the last one of each day.
CREATE OR REPLACE TEMP VIEW stu AS
SELECT pk, d, j.status, j.status_date, j.program_end
FROM (
    SELECT pk, event_date AS d,
        from_json(event, 'status STRING, status_date DATE, program_end DATE') AS j,
        row_number() OVER (PARTITION BY pk, event_date ORDER BY record_id DESC) AS nth
    FROM events WHERE kind = 'student' AND event_date <= {as_of}
) s
WHERE nth = 1
;
-- Applications (status records).
CREATE OR REPLACE TEMP VIEW app AS
SELECT pk, record_id, d, j.form, j.decided_on, j.outcome, j.valid_until
FROM (
    SELECT pk, record_id, event_date AS d,
        from_json(event, 'form STRING, decided_on DATE, outcome STRING,
                          valid_until DATE') AS j
    FROM events WHERE kind = 'status' AND event_date <= {as_of}
) s
;
-- Which rule sets each stay's end: visa waiver (admit-until capped), duration of status (a
-- school record), or a fixed period (admit-until, as for parole).
CREATE OR REPLACE TEMP VIEW kinds AS
WITH waiver AS (
    SELECT c.class, c.eff_from, c.eff_to, CAST(p.value AS INT) AS max_days
    FROM rule_class c JOIN rule_param p
      ON p.rule_id = c.rule_id AND p.eff_from = c.eff_from AND p.eff_to = c.eff_to
    WHERE c.rule_id = 'admission.visa_waiver' AND p.name = 'max_stay_days'
),
ds AS (SELECT * FROM rule_class WHERE rule_id = 'admission.duration_of_status')
SELECT a.ak, a.pk, a.d, a.last_day, a.horizon, a.s_cls, a.s_until,
    w.class IS NOT NULL AS waiver, date_add(a.d, w.max_days) AS cap,
    w.class IS NULL AND (a.s_ds OR (a.s_until IS NULL AND ds.class IS NOT NULL)) AS school
FROM adm a
LEFT JOIN waiver w ON w.class = a.s_cls AND a.d BETWEEN w.eff_from AND w.eff_to
LEFT JOIN ds ON ds.class = a.s_cls AND a.d BETWEEN ds.eff_from AND ds.eff_to
;
-- Duration of status: the school record's program end (or completion) plus the grace of the
-- class, the termination date, or an authorized withdrawal plus its grace. The school record
-- is the latest dated by the admission's last day (DuckDB: an ASOF join).
CREATE OR REPLACE TEMP VIEW school_end AS
WITH latest AS (
    SELECT k.ak, k.s_cls, k.last_day, s.pk IS NOT NULL AS has_record, s.status,
        s.status_date, s.program_end,
        row_number() OVER (PARTITION BY k.ak ORDER BY s.d DESC) AS nth
    FROM (SELECT ak, pk, last_day, s_cls FROM kinds WHERE school) k
    LEFT JOIN stu s ON k.pk = s.pk AND k.last_day >= s.d
),
known AS (
    SELECT ak, s_cls, has_record, status,
        CASE WHEN status_date <= last_day THEN status_date END AS status_date, program_end
    FROM latest WHERE nth = 1
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
            THEN date_add(e.status_date, coalesce(CAST(w.value AS INT), 0))
        ELSE date_add(e.ends_on, CAST(g.value AS INT))
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
CREATE OR REPLACE TEMP VIEW stay0 AS
SELECT k.ak, k.pk, k.d, k.last_day, k.horizon, k.waiver, CASE
        WHEN k.waiver THEN least(coalesce(k.s_until, k.cap), k.cap)
        WHEN k.school THEN e.until
        ELSE k.s_until
    END AS until0
FROM kinds k LEFT JOIN school_end e ON e.ak = k.ak
;
-- Extensions and changes decided by the last day, in filing order: an approval extends the
-- stay (retroactively; an untimely request too, once approved: 8 CFR 214.1(c)(4)), a timely
-- request's denial or withdrawal ends it on the decision date.
CREATE OR REPLACE TEMP VIEW steps AS
SELECT a.ak, p.d, p.outcome, p.decided_on, p.valid_until,
    row_number() OVER (PARTITION BY a.ak ORDER BY p.d, p.record_id) AS n
FROM stay0 a JOIN app p
  ON p.pk = a.pk AND p.d BETWEEN a.d AND a.last_day
WHERE NOT a.waiver AND p.form IN ('I-539', 'I-129') AND p.decided_on <= a.last_day
  AND ((p.outcome = 'approved' AND p.valid_until IS NOT NULL)
       OR p.outcome IN ('denied', 'withdrawn'))
;
-- The steps folded in order from the stay's first end (DuckDB: a recursive CTE).
CREATE OR REPLACE TEMP VIEW extended AS
SELECT a.ak, aggregate(x.todo, a.until0, (u, s) -> CASE
        WHEN u IS NOT NULL AND s.d > u AND s.outcome <> 'approved' THEN u
        WHEN s.outcome = 'approved' THEN greatest(u, s.valid_until)
        WHEN u IS NOT NULL AND u < s.decided_on THEN s.decided_on
        ELSE u END) AS until
FROM stay0 a JOIN (
    SELECT ak, array_sort(collect_list(named_struct('n', n, 'd', d, 'outcome', outcome,
        'decided_on', decided_on, 'valid_until', valid_until))) AS todo
    FROM steps GROUP BY ak
) x ON x.ak = a.ak
;
-- Departures, each with the first record of presence in the country dated after it.
CREATE OR REPLACE TEMP VIEW dep AS
WITH p AS (
    SELECT pk, record_id, event_date AS d, get_json_object(event, '$.provenance') AS provenance
    FROM events WHERE kind = 'departure' AND event_date <= {as_of}
),
i AS (
    SELECT DISTINCT pk, event_date AS d FROM events
    WHERE kind IN ('address', 'status', 'custody', 'conviction', 'court')
)
SELECT p.pk, p.d, p.provenance, min(i.d) AS next_seen
FROM p LEFT JOIN i ON p.pk = i.pk AND i.d > p.d
GROUP BY p.pk, p.record_id, p.d, p.provenance
;
-- Each admission's authorized stay and its confirmed departure (the latest one not
-- contradicted by a later record of presence).
CREATE OR REPLACE TEMP VIEW stay AS
WITH left_on AS (
    SELECT a.ak, max(p.d) AS gone
    FROM stay0 a JOIN dep p ON p.pk = a.pk AND p.d BETWEEN a.d AND a.last_day
    WHERE NOT (p.provenance = 'manifest' AND coalesce(p.next_seen <= a.horizon, false))
    GROUP BY a.ak
)
SELECT a.ak, a.pk, a.d, a.last_day, a.waiver, coalesce(x.until, a.until0) AS until, g.gone
FROM stay0 a LEFT JOIN extended x ON x.ak = a.ak LEFT JOIN left_on g ON g.ak = a.ak
;
-- Each person's first evidence of U.S. citizenship (status.standing.CITIZENSHIP).
CREATE OR REPLACE TEMP VIEW citizen AS
SELECT pk, min(event_date) AS d
FROM events
WHERE event_date <= {as_of}
  AND (kind IN ('naturalization', 'passport')
       OR (kind = 'numident' AND get_json_object(event, '$.citizenship_code') = 'A'))
GROUP BY pk
;
-- Admissions covered by a timely application pending on the day that matters (or an approved
-- adjustment), or of a person shown to be a U.S. citizen by the admission's last day.
CREATE OR REPLACE TEMP VIEW covered AS
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
CREATE OR REPLACE TEMP VIEW outcomes AS
SELECT a.pk, a.record_id, a.d AS arrival_date, a.class_of_admission, a.mode,
    s.until AS authorized_until, s.gone AS departure_date, a.nationality,
    CASE
        WHEN s.until IS NULL THEN 'no_end'
        WHEN s.gone > s.until AND c.ak IS NULL THEN 'out_of_country'
        WHEN s.gone IS NOT NULL THEN 'on_time'
        WHEN s.last_day < {as_of} THEN 'left_date_unknown'
        WHEN s.until >= {as_of} THEN 'not_due'
        WHEN c.ak IS NOT NULL THEN 'covered'
        ELSE 'in_country'
    END AS outcome,
    CASE
        WHEN s.gone > s.until AND c.ak IS NULL THEN datediff(s.gone, s.until)
        WHEN s.gone IS NOT NULL OR s.last_day < {as_of} THEN NULL
        WHEN s.until < {as_of} AND c.ak IS NULL THEN datediff({as_of}, s.until)
    END AS overstay_days
FROM arr a JOIN stay s ON s.ak = a.record_id LEFT JOIN covered c ON c.ak = a.record_id
