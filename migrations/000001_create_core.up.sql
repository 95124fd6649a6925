-- The core of Torale: who the users are, what they watch, and every run of every watch.
-- Times are timestamptz; ids are UUIDs made by the application or gen_random_uuid().

CREATE TABLE users (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- external_id is who the identity provider says this is: a Clerk subject, or "dev:<name>"
    -- for the local platform's header-based users.
    external_id  text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 255),
    email        text CHECK (length(email) <= 254),
    display_name text CHECK (length(display_name) <= 200),
    role         text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored as the SHA-256 of the key; the prefix lets a user tell keys apart.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id, created_at DESC);

CREATE TABLE tasks (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- name_is_default marks a name derived from the query, which the agent's topic may replace.
    name_is_default       boolean NOT NULL DEFAULT false,
    search_query          text NOT NULL CHECK (length(search_query) BETWEEN 3 AND 2000),
    condition_description text NOT NULL CHECK (length(condition_description) <= 2000),
    schedule              text NOT NULL DEFAULT '' CHECK (length(schedule) <= 100),
    timezone              text NOT NULL DEFAULT 'UTC',
    notify_behavior       text NOT NULL DEFAULT 'once' CHECK (notify_behavior IN ('once', 'always')),
    notifications         jsonb NOT NULL DEFAULT '[]',
    state                 text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'completed')),
    -- next_run_at is the source of truth for when the task runs; triggers only mirror it.
    next_run_at           timestamptz,
    last_run_at           timestamptz,
    last_execution_id     uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    state_changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_user_id_idx ON tasks (user_id, created_at DESC, id DESC);
-- The sweep's claim reads only due active tasks, oldest first.
CREATE INDEX tasks_due_idx ON tasks (next_run_at) WHERE state = 'active';

CREATE TABLE executions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- scheduled_for is the fire this run answers; null for manual runs. One run per fire.
    scheduled_for   timestamptz,
    trigger         text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'running', 'success', 'retrying', 'failed', 'cancelled')),
    attempt         integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    -- deadline_at is when a running attempt is presumed dead and may be reaped.
    deadline_at     timestamptz,
    result          jsonb,
    error           text CHECK (length(error) <= 2000),
    internal_error  text,
    error_category  text CHECK (error_category IN ('rate_limit', 'timeout', 'network', 'agent', 'user', 'system')),
    model           text NOT NULL DEFAULT '',
    prompt_tokens   integer NOT NULL DEFAULT 0,
    output_tokens   integer NOT NULL DEFAULT 0,
    search_queries  integer NOT NULL DEFAULT 0,
    cost_usd        numeric(12, 6) NOT NULL DEFAULT 0,
    UNIQUE (task_id, scheduled_for)
);
CREATE INDEX executions_task_id_idx ON executions (task_id, created_at DESC, id DESC);
CREATE INDEX executions_unfinished_idx ON executions (status, deadline_at)
    WHERE status IN ('pending', 'running', 'retrying');

ALTER TABLE tasks ADD CONSTRAINT tasks_last_execution_id_fkey
    FOREIGN KEY (last_execution_id) REFERENCES executions (id) ON DELETE SET NULL;

-- The notification outbox: one row per channel, written in the same transaction as the run's
-- result, delivered at least once, never again once delivered.
CREATE TABLE notification_deliveries (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    execution_id    uuid NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('email', 'webhook')),
    -- target is the address or URL; empty for a webhook means the user's default webhook.
    target          text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- published_at records that a notify message went out, so reconcile republishes the rest.
    published_at    timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (execution_id, channel)
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX notification_deliveries_user_idx ON notification_deliveries (user_id, created_at DESC);

-- Every attempt to deliver, so a user can see what happened to each notification.
CREATE TABLE delivery_attempts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    delivery_id   uuid NOT NULL REFERENCES notification_deliveries (id) ON DELETE CASCADE,
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    ok            boolean NOT NULL,
    response_code integer,
    latency_ms    integer NOT NULL DEFAULT 0,
    error         text
);
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempted_at);

-- Facts a task has already reported, so the agent does not notify twice about the same news.
CREATE TABLE task_memory (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id      uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    execution_id uuid REFERENCES executions (id) ON DELETE SET NULL,
    fact         text NOT NULL CHECK (length(fact) BETWEEN 1 AND 4000),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_memory_task_idx ON task_memory (task_id, created_at DESC);

-- Notification addresses a user has proved they own, and the codes that prove it.
CREATE TABLE email_verifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (length(email) <= 254),
    code_hash   bytea NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    expires_at  timestamptz NOT NULL,
    verified_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_verifications_user_idx ON email_verifications (user_id, email, created_at DESC);
CREATE UNIQUE INDEX email_verifications_verified_idx ON email_verifications (user_id, email)
    WHERE verified_at IS NOT NULL;
