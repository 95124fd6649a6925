package platform

import "fmt"

// Function names one Cloud Run function of the functions server; FUNCTION_TARGET holds one,
// and each Cloud Run service builds only what its function needs.
type Function string

// The functions the server can serve.
const (
	FunctionAPI     Function = "api"
	FunctionRunTask Function = "runtask"
	FunctionNotify  Function = "notify"
	FunctionTick    Function = "tick"
	FunctionAgent   Function = "agent"
)

// AllFunctions is every function, in the order the server mounts them when no target is set.
// It is also what the one container image serves: its entry point test
// (tools/imagebuild) starts the image once per function listed here. The deep-run worker joins
// is one more Function (FunctionWorker, on GKE with FUNCTION_TARGET=worker) with no change to
// the image.
func AllFunctions() []Function {
	return []Function{FunctionAPI, FunctionRunTask, FunctionNotify, FunctionTick, FunctionAgent, FunctionWorker}
}

// OwnBinaries are the functions the image also holds a binary of their own for, by path. Such a
// binary links only what its function needs (the agent's: the model and the page reader, no
// database, Pub/Sub or API), so its service starts and idles smaller (bench/coldstart); the
// service names it as its command, and FUNCTION_TARGET still names the function. The functions
// server (the image's entry point) serves these functions too.
func OwnBinaries() map[Function]string {
	return map[Function]string{FunctionAgent: "/usr/local/bin/functions-agent"}
}

// ParseFunction reads FUNCTION_TARGET: empty is every function.
func ParseFunction(target string) ([]Function, error) {
	if target == "" {
		return AllFunctions(), nil
	}
	for _, f := range AllFunctions() {
		if string(f) == target {
			return []Function{f}, nil
		}
	}
	return nil, fmt.Errorf("FUNCTION_TARGET %q is not a function of this server (api, runtask, notify, tick, agent, worker)", target)
}

// parts says which pieces a process builds. Each function's row names what it calls; a process
// serving several builds their union.
type parts struct {
	store     bool // the database
	publisher bool // run-task and notify messages out: Pub/Sub, or the in-process bus
	jobs      bool // per-task Cloud Scheduler jobs kept in step (cloudscheduler mode only)
	caller    bool // the agent runs and previews call: the local one, or the agent function
	decider   bool // the agent deciding runs in this process (the agent function's)

	api, runner, notifier, sweeper, reconciler bool
}

// needs is the table of what each function builds.
func needs(f Function) parts {
	switch f {
	case FunctionAPI:
		// Task changes publish manual runs and sync jobs; previews call the agent; admins reconcile.
		return parts{store: true, publisher: true, jobs: true, caller: true, api: true, reconciler: true}
	case FunctionRunTask:
		// The gate and runner; a run publishes notifications and moves its task's job.
		return parts{store: true, publisher: true, jobs: true, caller: true, runner: true}
	case FunctionNotify:
		return parts{store: true, notifier: true}
	case FunctionTick:
		return parts{store: true, publisher: true, jobs: true, sweeper: true, reconciler: true}
	case FunctionAgent:
		return parts{decider: true}
	case FunctionWorker:
		// Deep runs through the same gate and runner as runtask's.
		return parts{store: true, publisher: true, jobs: true, caller: true, runner: true}
	}
	return parts{}
}

// partsFor is the union of what fns need. Without Pub/Sub (inProcess) a process that publishes
// also consumes what it publishes, on the bus, so it builds the runner and the notifier too.
func partsFor(fns []Function, inProcess bool) parts {
	var p parts
	for _, f := range fns {
		n := needs(f)
		p.store, p.publisher, p.jobs = p.store || n.store, p.publisher || n.publisher, p.jobs || n.jobs
		p.caller, p.decider = p.caller || n.caller, p.decider || n.decider
		p.api, p.runner, p.notifier = p.api || n.api, p.runner || n.runner, p.notifier || n.notifier
		p.sweeper, p.reconciler = p.sweeper || n.sweeper, p.reconciler || n.reconciler
	}
	if inProcess && p.publisher {
		p.runner, p.notifier, p.caller = true, true, true
	}
	return p
}
