package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/torale-ai/torale/bench/machine"
)

// summary is one phase's figures over all its timed rounds. Rates are per second, times
// milliseconds.
type summary struct {
	Name       string  `json:"name"`
	OK         int     `json:"ok"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	ElapsedS   float64 `json:"elapsed_s"`
	Rate       float64 `json:"rate_per_s"`
	P50MS      float64 `json:"p50_ms"`
	P99MS      float64 `json:"p99_ms"`
	// GoCPUPerOpUS is this process's CPU time per successful unit (server and load generator
	// for the API, the store's caller for bare); OtherCPUPerOpUS is the rest of the machine's
	// busy time per unit: PostgreSQL, and whatever else the machine ran meanwhile.
	GoCPUPerOpUS    float64 `json:"go_cpu_per_op_us"`
	OtherCPUPerOpUS float64 `json:"other_cpu_per_op_us"`
}

// report is what one run of apiload found.
type report struct {
	// Op is the request measured: list, get, create or run.
	Op          string `json:"op"`
	Date        string `json:"date"`
	GoVersion   string `json:"go_version"`
	CPUs        int    `json:"cpus"`
	Concurrency int    `json:"concurrency"`
	PoolSize    int    `json:"pool_size"`
	Duration    string `json:"duration_per_phase"`
	Rounds      int    `json:"rounds"`
	// LoadBefore and LoadAvg are the 1-minute load averages before the run and when the report
	// was made, for judging the noise; the second includes this program's own load.
	LoadBefore float64   `json:"load_avg_1m_before"`
	LoadAvg    float64   `json:"load_avg_1m"`
	Phases     []summary `json:"phases"`
	// Ratio is the API's rate over the bare query's.
	Ratio float64 `json:"ratio"`
}

// newReport summarizes each phase's merged result; results are api then bare.
func newReport(op string, opts options, loadBefore float64, results []result) report {
	r := report{
		Op:          op,
		Date:        time.Now().UTC().Format(time.DateOnly),
		GoVersion:   runtime.Version(),
		CPUs:        runtime.NumCPU(),
		Concurrency: opts.Concurrency,
		PoolSize:    opts.PoolSize,
		Duration:    opts.Duration.String(),
		Rounds:      opts.Rounds,
		LoadBefore:  loadBefore,
		LoadAvg:     machine.LoadAvg(),
	}
	for i, name := range []string{"api", "bare"} {
		r.Phases = append(r.Phases, summarize(name, results[i]))
	}
	if bare := r.Phases[1].Rate; bare > 0 {
		r.Ratio = r.Phases[0].Rate / bare
	}
	return r
}

// summarize turns a phase's result into its rate of successful units and their percentiles.
func summarize(name string, res result) summary {
	s := summary{Name: name, OK: res.OK, Errors: res.Errors, FirstError: res.FirstError,
		ElapsedS: res.Elapsed.Seconds()}
	if res.Elapsed > 0 {
		s.Rate = float64(res.OK) / res.Elapsed.Seconds()
	}
	if res.OK > 0 {
		s.GoCPUPerOpUS = float64(res.CPU.Self) / float64(time.Microsecond) / float64(res.OK)
		s.OtherCPUPerOpUS = float64(res.CPU.Machine-res.CPU.Self) / float64(time.Microsecond) / float64(res.OK)
	}
	sorted := slices.Sorted(slices.Values(res.Latencies))
	s.P50MS = ms(percentile(sorted, 0.50))
	s.P99MS = ms(percentile(sorted, 0.99))
	return s
}

// percentile is the nearest-rank p-th percentile of sorted, p in (0, 1].
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted)) + 0.999999)
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writeJSON prints the reports, one per op, as indented JSON.
func writeJSON(w io.Writer, reps []report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(reps)
}

// writeTable prints one row per phase, any errors, and the ratio beneath.
func (r report) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "%s:\n", r.Op)
	fmt.Fprintln(tw, "phase\tok\terrors\trate\tp50\tp99\tGo CPU/op\tother CPU/op\t")
	for _, s := range r.Phases {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f/s\t%.2f ms\t%.2f ms\t%.0f µs\t%.0f µs\t\n",
			s.Name, s.OK, s.Errors, s.Rate, s.P50MS, s.P99MS, s.GoCPUPerOpUS, s.OtherCPUPerOpUS)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range r.Phases {
		if s.Errors > 0 {
			fmt.Fprintf(w, "%s: first error: %s\n", s.Name, s.FirstError)
		}
	}
	_, err := fmt.Fprintf(w, "%s: api / bare, rate: %.2f  (c=%d, pool %d, %s per phase in %d rounds; rate limits raised; %s, %s, %d CPUs, load %.2f before, %.2f after)\n\n",
		r.Op, r.Ratio, r.Concurrency, r.PoolSize, r.Duration, r.Rounds, r.Date, r.GoVersion, r.CPUs, r.LoadBefore, r.LoadAvg)
	return err
}
