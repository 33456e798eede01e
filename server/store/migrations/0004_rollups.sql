-- Daily rollups of closed UTC days, written by stats/rollups.ts rollupDay() right after a day is
-- sessionised. A visitor id lives one UTC day, so distinct visitors counted per day (and per
-- value) add up exactly across days: whole UTC days inside a query's range read these few rows
-- instead of millions of events and visits. Values are the display values the Stats API groups by.

-- Visit sums per (day, visit property value); dim '' is the day's total.
CREATE TABLE IF NOT EXISTS visit_rollup
(
    site_id          LowCardinality(String),
    day              Date,
    dim              LowCardinality(String),
    value            String,
    visitors         UInt64,
    visits           UInt64,
    bounces          UInt64,
    duration         Int64,
    visit_pageviews  UInt64,
    retention_days   UInt16
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, dim, day, value)
TTL day + toIntervalDay(retention_days);

-- Event sums per (day, event property value): page, name, hostname; dim '' is the day's total.
-- Scroll sums are written as separate rows (other sums 0); readers always sum.
CREATE TABLE IF NOT EXISTS event_rollup
(
    site_id          LowCardinality(String),
    day              Date,
    dim              LowCardinality(String),
    value            String,
    visitors         UInt64,
    pageviews        UInt64,
    events           UInt64,
    engaged_ms       UInt64,
    engagements      UInt64,
    scroll_sum       UInt64,
    scroll_n         UInt64,
    retention_days   UInt16
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, dim, day, value)
TTL day + toIntervalDay(retention_days);

-- UTC days whose rollups are complete; a day without a row here is read from visits and events.
CREATE TABLE IF NOT EXISTS rollup_days
(
    day              Date,
    done_at          DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(done_at)
ORDER BY day;
