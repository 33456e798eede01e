-- Core tables: events, the click aggregate, daily salts and sites.
-- Single-node form; store/cluster.ts derives the ON CLUSTER / Replicated / Distributed form.

-- One row per accepted event. No IP, no user agent, no referrer path or query.
-- Sorted for the dashboard's access path: a site, a day range, then visitor and time,
-- which also makes per-visitor sessionisation a linear scan. Codecs chosen by `npm run bench:query
-- --codecs` on 10M generated events: ZSTD(3) on LowCardinality columns beats the LZ4 default, a
-- LowCardinality path is 2.3x smaller than a String one, Delta does not help the visitor hash.
CREATE TABLE IF NOT EXISTS events
(
    site_id          LowCardinality(String),
    ts               DateTime64(3, 'UTC') CODEC(Delta, ZSTD(3)),
    visitor          UInt64 CODEC(ZSTD(3)),
    name             LowCardinality(String) CODEC(ZSTD(3)),
    hostname         LowCardinality(String) CODEC(ZSTD(3)),
    path             LowCardinality(String) CODEC(ZSTD(3)),
    referrer         LowCardinality(String) CODEC(ZSTD(3)),
    source           LowCardinality(String) CODEC(ZSTD(3)),
    utm_source       LowCardinality(String) CODEC(ZSTD(3)),
    utm_medium       LowCardinality(String) CODEC(ZSTD(3)),
    utm_campaign     LowCardinality(String) CODEC(ZSTD(3)),
    utm_term         LowCardinality(String) CODEC(ZSTD(3)),
    utm_content      LowCardinality(String) CODEC(ZSTD(3)),
    country          LowCardinality(String) CODEC(ZSTD(3)),
    device           LowCardinality(String) CODEC(ZSTD(3)),
    browser          LowCardinality(String) CODEC(ZSTD(3)),
    browser_version  LowCardinality(String) CODEC(ZSTD(3)),
    os               LowCardinality(String) CODEC(ZSTD(3)),
    os_version       LowCardinality(String) CODEC(ZSTD(3)),
    width            UInt16 CODEC(ZSTD(3)),
    interactive      UInt8 CODEC(ZSTD(3)),
    engaged_ms       UInt32 CODEC(T64, ZSTD(3)),
    scroll_depth     UInt8 CODEC(ZSTD(3)),
    props            Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    retention_days   UInt16 CODEC(ZSTD(3))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, toDate(ts), visitor, ts)
TTL toDateTime(ts) + toIntervalDay(retention_days);

-- Clicks exist only as summed counts per cell; no click row stands alone.
CREATE TABLE IF NOT EXISTS clicks
(
    site_id          LowCardinality(String),
    day              Date,
    path             String,
    width_bucket     LowCardinality(String),
    x                UInt8,
    y                UInt32,
    rage             UInt8,
    clicks           UInt64,
    retention_days   UInt16
)
ENGINE = SummingMergeTree(clicks)
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, path, width_bucket, x, y, rage)
TTL day + toIntervalDay(retention_days);

-- One salt per UTC day; the earliest inserted row of a day wins, so collectors that
-- race on a new day converge. Partitions older than yesterday are dropped.
CREATE TABLE IF NOT EXISTS salts
(
    day              Date,
    salt             String,
    created          DateTime64(9, 'UTC') DEFAULT now64(9)
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (day, created);

CREATE TABLE IF NOT EXISTS sites
(
    domain             String,
    name               String,
    timezone           String,
    retention_days     UInt16,
    allowed_hostnames  Array(String),
    k_breakdown        UInt16,
    k_heatmap          UInt16,
    gpc_policy         LowCardinality(String),
    dnt_policy         LowCardinality(String),
    allow_framing      UInt8,
    created_at         DateTime('UTC'),
    version            UInt64,
    deleted            UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY domain;

CREATE TABLE IF NOT EXISTS users
(
    id                 String,
    email              String,
    password_hash      String,
    is_admin           UInt8,
    created_at         DateTime('UTC'),
    version            UInt64,
    deleted            UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS api_keys
(
    id                 String,
    user_id            String,
    name               String,
    key_hash           String,
    sites              Array(String),
    created_at         DateTime('UTC'),
    version            UInt64,
    revoked            UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
