package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Push authentication switches: TORALE_PUSH_AUTH is "on" unless a local run turns it "off".
const (
	PushAuthOn  = "on"
	PushAuthOff = "off"
)

// CloudConfig is how a deployment reaches Google Cloud's messaging and scheduling: where
// run-task and notify messages go, where per-task Cloud Scheduler jobs live, and whom push
// requests must come from. Each field names its variable and default.
type CloudConfig struct {
	// PubSubProject (TORALE_PUBSUB_PROJECT) sends messages through Pub/Sub topics in that
	// project instead of the in-process bus; PUBSUB_EMULATOR_HOST, when set, points the client
	// at an emulator.
	PubSubProject string
	// GCPProject (TORALE_GCP_PROJECT, default TORALE_PUBSUB_PROJECT) owns the Cloud Scheduler
	// jobs of TORALE_SCHEDULER=cloudscheduler.
	GCPProject string
	// SchedulerLocation (TORALE_SCHEDULER_LOCATION, such as us-central1) is the region of the
	// jobs; required with TORALE_SCHEDULER=cloudscheduler.
	SchedulerLocation string
	// PushAuth (TORALE_PUSH_AUTH, default "on") makes runtask and tick accept only requests
	// carrying a Google-signed OIDC token for PushAudience from PushServiceAccount. "off" is for
	// local runs, where the emulator sends no token.
	PushAuth string
	// PushAudience (TORALE_PUSH_AUDIENCE, comma-separated) lists the audiences a push token may
	// name: the push endpoint URLs, or the audience set on the subscription and tick job.
	PushAudience []string
	// PushServiceAccount (TORALE_PUSH_SERVICE_ACCOUNT, comma-separated) lists the service
	// accounts Pub/Sub push and the tick job sign their tokens as.
	PushServiceAccount []string
	// RetryHorizon (TORALE_RETRY_HORIZON, default 30m) is how old a run-task message may be;
	// older ones are acked and logged, and reconcile or the sweep triggers their tasks anew.
	RetryHorizon time.Duration
	// ReconcileEvery (TORALE_RECONCILE_INTERVAL, default 10m) is how often the tick runs the
	// reconcile pass.
	ReconcileEvery time.Duration
	// DeepRunSubscription (TORALE_DEEP_RUN_SUBSCRIPTION, default "deep-run", Terraform's name)
	// is the pull subscription the deep-run worker consumes.
	DeepRunSubscription string
	// WorkerConcurrency (TORALE_WORKER_CONCURRENCY, default 4) is how many deep runs one worker
	// holds at once (Pub/Sub flow control).
	WorkerConcurrency int
	// ShutdownGrace (TORALE_SHUTDOWN_GRACE, default 9s) is how long a stopping process may take
	// after SIGTERM: Cloud Run kills an instance 10s after it; the worker's Pods get
	// terminationGracePeriodSeconds (25s on spot), so the worker sets it a little under that.
	ShutdownGrace time.Duration
}

// PushAuthEnabled reports whether push requests must carry a valid OIDC token.
func (c CloudConfig) PushAuthEnabled() bool { return c.PushAuth != PushAuthOff }

// CheckPushAuth says what is missing for push authentication to accept anything.
func (c CloudConfig) CheckPushAuth() error {
	if !c.PushAuthEnabled() {
		return nil
	}
	var errs []error
	if len(c.PushAudience) == 0 {
		errs = append(errs, errors.New("TORALE_PUSH_AUDIENCE is not set (the push endpoint URL, or the audience of its OIDC token)"))
	}
	if len(c.PushServiceAccount) == 0 {
		errs = append(errs, errors.New("TORALE_PUSH_SERVICE_ACCOUNT is not set (the service account push requests are signed as)"))
	}
	if len(errs) > 0 {
		errs = append(errs, errors.New("set them, or TORALE_PUSH_AUTH=off for a local run"))
	}
	return errors.Join(errs...)
}

func cloudFromEnv(getenv func(string) string, scheduler string, errs *[]error) CloudConfig {
	c := CloudConfig{
		PubSubProject:      getenv("TORALE_PUBSUB_PROJECT"),
		GCPProject:         or(getenv("TORALE_GCP_PROJECT"), getenv("TORALE_PUBSUB_PROJECT")),
		SchedulerLocation:  getenv("TORALE_SCHEDULER_LOCATION"),
		PushAuth:           strings.ToLower(or(getenv("TORALE_PUSH_AUTH"), PushAuthOn)),
		PushAudience:       exactList(getenv("TORALE_PUSH_AUDIENCE")),
		PushServiceAccount: exactList(getenv("TORALE_PUSH_SERVICE_ACCOUNT")),
	}
	c.RetryHorizon = duration(getenv, "TORALE_RETRY_HORIZON", 30*time.Minute, errs)
	c.ReconcileEvery = duration(getenv, "TORALE_RECONCILE_INTERVAL", 10*time.Minute, errs)
	c.DeepRunSubscription = or(getenv("TORALE_DEEP_RUN_SUBSCRIPTION"), "deep-run")
	c.WorkerConcurrency = integer(getenv, "TORALE_WORKER_CONCURRENCY", 4, errs)
	c.ShutdownGrace = duration(getenv, "TORALE_SHUTDOWN_GRACE", 9*time.Second, errs)
	if c.PushAuth != PushAuthOn && c.PushAuth != PushAuthOff {
		*errs = append(*errs, fmt.Errorf("TORALE_PUSH_AUTH: %q is not \"on\" or \"off\"", c.PushAuth))
	}
	if scheduler == SchedulerCloudSchedule {
		if c.GCPProject == "" {
			*errs = append(*errs, errors.New("TORALE_SCHEDULER=cloudscheduler needs TORALE_GCP_PROJECT (or TORALE_PUBSUB_PROJECT)"))
		}
		if c.SchedulerLocation == "" {
			*errs = append(*errs, errors.New("TORALE_SCHEDULER=cloudscheduler needs TORALE_SCHEDULER_LOCATION, such as us-central1"))
		}
		if c.PubSubProject == "" {
			*errs = append(*errs, errors.New("TORALE_SCHEDULER=cloudscheduler needs TORALE_PUBSUB_PROJECT: the jobs publish to its run-task topic"))
		}
	}
	return c
}

// exactList splits a comma-separated list, keeping each item as written (an audience is
// compared byte for byte, trailing slash included).
func exactList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
