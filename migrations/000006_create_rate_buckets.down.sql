-- Reverts 000006: the shared rate-limit buckets go (the code before it kept them in memory).
DROP TABLE IF EXISTS rate_buckets;
