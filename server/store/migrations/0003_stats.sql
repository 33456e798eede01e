-- Visits (sessions) of closed UTC days, one row per visit, written once per day by
-- stats/sessions.ts sessioniseClosedDays(). Today's visits are computed live with the same SELECT.
-- A visit never crosses UTC midnight (the visitor id changes daily), so a day is self-contained.
CREATE TABLE IF NOT EXISTS sessions
(
    site_id          LowCardinality(String),
    day              Date,
    visitor          UInt64 CODEC(ZSTD(1)),
    started          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    ended            DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    hostname         LowCardinality(String),
    entry_page       String CODEC(ZSTD(3)),
    exit_page        String CODEC(ZSTD(3)),
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
    interactions     UInt32,
    retention_days   UInt16
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, visitor, started)
TTL day + toIntervalDay(retention_days);

-- UTC days whose visits are in `sessions`; a day without a row here is computed live.
CREATE TABLE IF NOT EXISTS sessionised_days
(
    day              Date,
    visits           UInt64,
    done_at          DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree(done_at)
ORDER BY day;
