DROP TABLE IF EXISTS feed_tokens;
