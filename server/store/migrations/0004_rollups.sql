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

-- Snapshots of the visits of days not stored yet (today), sessionised once per change of those
-- days' events and shared by every query until the next change (stats/live.ts). A snapshot is
-- one partition, dropped when superseded; the TTL clears snapshots an exited process left.
CREATE TABLE IF NOT EXISTS live_visits
(
    snapshot         String,
    made             DateTime('UTC') DEFAULT now(),
    visitor          UInt64,
    started          DateTime64(3, 'UTC'),
    ended            DateTime64(3, 'UTC'),
    hostname         LowCardinality(String),
    entry_page       String,
    exit_page        String,
    referrer         LowCardinality(String),
    source           LowCardinality(String),
    utm_source       LowCardinality(String),
    utm_medium       LowCardinality(String),
    utm_campaign     LowCardinality(String),
    utm_term         LowCardinality(String),
    utm_content      LowCardinality(String),
    country          LowCardinality(String),
    device           LowCardinality(String),
    browser          LowCardinality(String),
    browser_version  LowCardinality(String),
    os               LowCardinality(String),
    os_version       LowCardinality(String),
    pageviews        UInt32,
    events           UInt32,
    interactions     UInt32
)
ENGINE = MergeTree
PARTITION BY snapshot
ORDER BY visitor
TTL made + toIntervalHour(1)
SETTINGS ttl_only_drop_parts = 1;

-- Event sums of unstored days (today) per snapshot, laid out as event_rollup: one build per
-- change of those days' events, shared by every query until the next change (stats/live.ts).
CREATE TABLE IF NOT EXISTS live_event_rollup
(
    snapshot         String,
    made             DateTime('UTC') DEFAULT now(),
    day              Date,
    dim              LowCardinality(String),
    value            String,
    visitors         UInt64,
    pageviews        UInt64,
    events           UInt64,
    engaged_ms       UInt64,
    engagements      UInt64,
    scroll_sum       UInt64,
    scroll_n         UInt64
)
ENGINE = MergeTree
PARTITION BY snapshot
ORDER BY (dim, day, value)
TTL made + toIntervalHour(1)
SETTINGS ttl_only_drop_parts = 1;
