-- Access control: site memberships, dashboard sessions, share links, one-time tokens and
-- the instance secret. `users` and `api_keys` are in 0001. Mutable rows are
-- ReplacingMergeTree(version) and read with FINAL; nothing is deleted in place, a newer
-- version with `deleted`/`revoked` = 1 replaces the row.

-- Role of a user on a site: 'owner' or 'viewer'. Instance admins are `users.is_admin`.
CREATE TABLE IF NOT EXISTS memberships
(
    site_id            String,
    user_id            String,
    role               LowCardinality(String),
    created_at         DateTime('UTC'),
    version            UInt64,
    deleted            UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, user_id);

-- Server-side dashboard sessions. `id` is the SHA-256 of the cookie's random token, so a
-- copy of this table cannot be replayed as a cookie. Expired rows age out.
CREATE TABLE IF NOT EXISTS auth_sessions
(
    id                 String,
    user_id            String,
    csrf               String,
    created_at         DateTime('UTC'),
    expires_at         DateTime('UTC'),
    version            UInt64,
    revoked            UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id
TTL expires_at + toIntervalDay(1);

-- Read-only share links. The token is derived (HMAC of the id with the instance secret),
-- so no usable credential is stored here; `password_hash` is empty when there is none.
CREATE TABLE IF NOT EXISTS share_links
(
    id                 String,
    site_id            String,
    password_hash      String,
    created_by         String,
    created_at         DateTime('UTC'),
    version            UInt64,
    revoked            UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- One-time tokens: 'setup' (first admin) and 'invite' (a new member sets a password).
-- Stored as SHA-256; `used` = 1 once redeemed.
CREATE TABLE IF NOT EXISTS auth_tokens
(
    token_hash         String,
    kind               LowCardinality(String),
    user_id            String,
    created_at         DateTime('UTC'),
    expires_at         DateTime('UTC'),
    version            UInt64,
    used               UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY token_hash
TTL expires_at + toIntervalDay(1);

-- Instance-wide values such as the cookie-signing secret. Generated once; when two
-- instances race, the earliest row of a key wins for every reader.
CREATE TABLE IF NOT EXISTS auth_kv
(
    key                String,
    value              String,
    created            DateTime64(9, 'UTC') DEFAULT now64(9)
)
ENGINE = MergeTree
ORDER BY (key, created);
