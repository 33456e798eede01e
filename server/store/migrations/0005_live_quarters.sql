-- Live snapshots and quarter-hour rollups (stats/live.ts, stats/rollups.ts).

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

-- Per quarter hour of a closed UTC day (site total only): a local midnight of any zone falls on a
-- quarter hour, so the part of a day before or after it is a sum of quarters. Visitors add up
-- too: those with a visit starting before quarter q are the ones whose first visit starts before
-- it (first_visitors), those with one starting at or after q the ones whose last visit does.
CREATE TABLE IF NOT EXISTS quarter_rollup
(
    site_id          LowCardinality(String),
    day              Date,
    quarter          UInt8,
    first_visitors   UInt64,
    last_visitors    UInt64,
    visits           UInt64,
    bounces          UInt64,
    duration         UInt64,
    visit_pageviews  UInt64,
    pageviews        UInt64,
    events           UInt64,
    engaged_ms       UInt64,
    engagements      UInt64,
    retention_days   UInt16
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, quarter)
TTL day + toIntervalDay(retention_days);

-- UTC days whose quarter rollups are complete (days rolled up before this table get them later).
CREATE TABLE IF NOT EXISTS quarter_days
(
    day              Date,
    done_at          DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(done_at)
ORDER BY day;
