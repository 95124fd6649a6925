// Package config reads the deployment's settings from the environment once, in main, and
// hands them down as a value; nothing else in Torale reads the environment.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Scheduler modes: one Cloud Scheduler job per task, or a sweep over due tasks.
const (
	SchedulerSweep         = "sweep"
	SchedulerCloudSchedule = "cloudscheduler"
)

// Config is every setting a Torale process reads. Each field names its variable and default.
type Config struct {
	// DatabaseURL (DATABASE_URL) is a postgres:// URL. Required by the functions server;
	// torale dev starts its own PostgreSQL when it is empty.
	DatabaseURL string
	// CloudSQLInstance (TORALE_CLOUDSQL_INSTANCE, "project:region:instance") makes connections go
	// through the Cloud SQL connector with IAM authentication instead of DATABASE_URL's host.
	CloudSQLInstance string
	// Port (PORT, default 8080) is where the functions server listens.
	Port string
	// Scheduler (TORALE_SCHEDULER, default "sweep") picks how tasks are triggered.
	Scheduler string
	// MinInterval (TORALE_MIN_INTERVAL, default 15m) is the shortest gap between scheduled runs.
	MinInterval time.Duration
	// AgentTimeout (TORALE_AGENT_TIMEOUT, default 120s) bounds one agent run.
	AgentTimeout time.Duration
	// DeepRunTimeout (TORALE_DEEP_RUN_TIMEOUT, default 15m, at most 15m) bounds one deep run's
	// agent call: several searches that refine each other, then the decision.
	DeepRunTimeout time.Duration
	// MaxAttempts (TORALE_MAX_ATTEMPTS, default 3) bounds tries of a run that fails transiently.
	MaxAttempts int
	// ExecutionRetention (TORALE_EXECUTION_RETENTION, default 8760h, a year; 0 keeps every run)
	// is how long a run that notified nobody is kept; the tick deletes older ones, keeping each
	// task's latest run.
	ExecutionRetention time.Duration
	// FindingsRetention (TORALE_FINDINGS_RETENTION, default 720h, 30 days; 0 keeps them) is how
	// long the search findings a run's decision saw are kept after the last run that saw them;
	// the tick deletes older ones. A run's steps stay as long as the run.
	FindingsRetention time.Duration
	// GeminiAPIKey (GEMINI_API_KEY, else GOOGLE_API_KEY) enables the Gemini agent.
	GeminiAPIKey string
	// PublicURL (TORALE_PUBLIC_URL, default http://localhost:8080) is where links in
	// notifications point.
	PublicURL string
	// AllowedOrigins (TORALE_ALLOWED_ORIGINS, comma-separated, default none) are the browser
	// origins that may call the API (CORS) and that Clerk session tokens may come from (azp).
	AllowedOrigins []string
	// MaxActiveTasks (TORALE_MAX_ACTIVE_TASKS, default 50) caps each user's active tasks.
	MaxActiveTasks int
	// DBMaxConns (TORALE_DB_MAX_CONNS) bounds each process's database connections; size it to
	// the service's request concurrency and Cloud SQL's connection limit. 0 (unset) leaves it to
	// the process: 20 for a function, twice the CPUs (at least 4) for torale dev, whose
	// PostgreSQL shares its cores (platform.DevDBConns).
	DBMaxConns int
	// ClerkSecretKey (CLERK_SECRET_KEY) enables Clerk session tokens, verified against the
	// instance's JWKS; ClerkJWKSURL (CLERK_JWKS_URL) names a fixed JWKS document instead.
	ClerkSecretKey string
	ClerkJWKSURL   string
	// ClerkPublishableKey (CLERK_PUBLISHABLE_KEY, pk_live_... or pk_test_...) is the key the
	// dashboard loads Clerk with; GET /api/v1/config serves it to the page at runtime, so one
	// build of the dashboard runs against any deployment. Under torale dev it is not served.
	ClerkPublishableKey string
	// BehindGoogleFrontEnd is set on Cloud Run (which sets K_SERVICE): requests arrive through
	// Google's front end, whose right-most X-Forwarded-For hop is the client's address, and the
	// public routes' rate limit counts that address.
	BehindGoogleFrontEnd bool
	// LogLevel (TORALE_LOG_LEVEL, default info) and LogFormat (TORALE_LOG_FORMAT, default json).
	LogLevel  string
	LogFormat string
	// Agent is how runs are decided: models, search, memory, thresholds and prices (agent.go).
	Agent AgentConfig
	// Cloud is Pub/Sub, Cloud Scheduler and push authentication (cloud.go).
	Cloud CloudConfig
	// Notify is how notifications go out: SMTP, webhook signing and egress (notify.go).
	Notify NotifyConfig
	// Alerts is when owners hear that a watch broke, and the spend cap (alerts.go).
	Alerts AlertConfig
}

// FromEnv reads the configuration through getenv (os.Getenv in main, a map in tests) and
// reports every malformed value at once.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:      getenv("DATABASE_URL"),
		CloudSQLInstance: getenv("TORALE_CLOUDSQL_INSTANCE"),
		Port:             or(getenv("PORT"), "8080"),
		Scheduler:        or(getenv("TORALE_SCHEDULER"), SchedulerSweep),
		GeminiAPIKey:     or(getenv("GEMINI_API_KEY"), getenv("GOOGLE_API_KEY")),
		PublicURL:        strings.TrimRight(or(getenv("TORALE_PUBLIC_URL"), "http://localhost:8080"), "/"),
		LogLevel:         or(getenv("TORALE_LOG_LEVEL"), "info"),
		LogFormat:        or(getenv("TORALE_LOG_FORMAT"), "json"),
		AllowedOrigins:   list(getenv("TORALE_ALLOWED_ORIGINS")),
		ClerkSecretKey:   getenv("CLERK_SECRET_KEY"),
		ClerkJWKSURL:     getenv("CLERK_JWKS_URL"),

		ClerkPublishableKey:  strings.TrimSpace(getenv("CLERK_PUBLISHABLE_KEY")),
		BehindGoogleFrontEnd: getenv("K_SERVICE") != "",
	}
	var errs []error
	c.MinInterval = duration(getenv, "TORALE_MIN_INTERVAL", 15*time.Minute, &errs)
	c.AgentTimeout = duration(getenv, "TORALE_AGENT_TIMEOUT", 120*time.Second, &errs)
	c.DeepRunTimeout = duration(getenv, "TORALE_DEEP_RUN_TIMEOUT", MaxDeepRunTimeout, &errs)
	if c.DeepRunTimeout > MaxDeepRunTimeout {
		errs = append(errs, fmt.Errorf("TORALE_DEEP_RUN_TIMEOUT: %s is over the %s a deep run may take", c.DeepRunTimeout, MaxDeepRunTimeout))
	}
	c.MaxAttempts = integer(getenv, "TORALE_MAX_ATTEMPTS", 3, &errs)
	c.ExecutionRetention = retention(getenv, "TORALE_EXECUTION_RETENTION", 365*24*time.Hour, &errs)
	c.FindingsRetention = retention(getenv, "TORALE_FINDINGS_RETENTION", 30*24*time.Hour, &errs)
	c.MaxActiveTasks = integer(getenv, "TORALE_MAX_ACTIVE_TASKS", 50, &errs)
	c.DBMaxConns = integer(getenv, "TORALE_DB_MAX_CONNS", 0, &errs)
	c.Agent = agentFromEnv(getenv, &errs)
	c.Cloud = cloudFromEnv(getenv, c.Scheduler, &errs)
	c.Notify = notifyFromEnv(getenv, &errs)
	c.Alerts = alertsFromEnv(getenv, &errs)
	if c.Scheduler != SchedulerSweep && c.Scheduler != SchedulerCloudSchedule {
		errs = append(errs, fmt.Errorf("TORALE_SCHEDULER: %q is not %q or %q", c.Scheduler, SchedulerSweep, SchedulerCloudSchedule))
	}
	if k := c.ClerkPublishableKey; k != "" && !strings.HasPrefix(k, "pk_live_") && !strings.HasPrefix(k, "pk_test_") {
		errs = append(errs, errors.New("CLERK_PUBLISHABLE_KEY: not a Clerk publishable key (pk_live_... or pk_test_...); the secret key goes in CLERK_SECRET_KEY"))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("TORALE_LOG_FORMAT: %q is not \"json\" or \"text\"", c.LogFormat))
	}
	return c, errors.Join(errs...)
}

// Env is os.Getenv, named so main reads as config.FromEnv(config.Env).
func Env(key string) string { return os.Getenv(key) }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func list(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimRight(strings.TrimSpace(p), "/"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func duration(getenv func(string) string, key string, def time.Duration, errs *[]error) time.Duration {
	v := getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		*errs = append(*errs, fmt.Errorf("%s: %q is not a positive duration such as 90s or 15m", key, v))
		return def
	}
	return d
}

// retention reads a retention setting, where 0 (unlike other durations) means forever.
func retention(getenv func(string) string, key string, def time.Duration, errs *[]error) time.Duration {
	if v := getenv(key); v == "0" {
		return 0
	}
	return duration(getenv, key, def, errs)
}

// boolean reads a true/false setting, false when unset.
func boolean(getenv func(string) string, key string, errs *[]error) bool {
	v := getenv(key)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %q is not true or false", key, v))
	}
	return b
}

func integer(getenv func(string) string, key string, def int, errs *[]error) int {
	v := getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		*errs = append(*errs, fmt.Errorf("%s: %q is not a positive whole number", key, v))
		return def
	}
	return n
}

// MaxDeepRunTimeout is the longest a deep run may research and decide (issue 13), and the
// default of TORALE_DEEP_RUN_TIMEOUT.
const MaxDeepRunTimeout = 15 * time.Minute
