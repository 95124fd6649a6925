package task

// Depth is how much research one run of a task does.
type Depth string

// The depths a task can have.
const (
	// DepthRoutine is one grounded search and one decision, in seconds: the default.
	DepthRoutine Depth = "routine"
	// DepthDeep is several searches that refine each other, then the decision, within minutes.
	// Deep runs are handed to the deep-run worker instead of running where the trigger arrived.
	DepthDeep Depth = "deep"
)

// normalizeDepth fills in the default and checks the value.
func normalizeDepth(d Depth, errs *problems) Depth {
	switch d {
	case "":
		return DepthRoutine
	case DepthRoutine, DepthDeep:
		return d
	}
	errs.add("depth", `must be "routine" or "deep"`)
	return d
}
