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

// summary is one binary's figures. Times are milliseconds, memory MiB.
type summary struct {
	Name             string  `json:"name"`
	Runs             int     `json:"runs"`
	StartMedianMS    float64 `json:"start_median_ms"`
	StartP90MS       float64 `json:"start_p90_ms"`
	IdleRSSMedianMiB float64 `json:"idle_rss_median_mib"`
	// PerBare, PerFramework and PerDatabase are the median start over the bare server's, the
	// framework hello-world's and the framework with the database's (framework+db: the link,
	// the first connection and the schema check every database function pays).
	PerBare      float64   `json:"start_per_bare"`
	PerFramework float64   `json:"start_per_framework"`
	PerDatabase  float64   `json:"start_per_framework_db"`
	StartsMS     []float64 `json:"starts_ms"`
	IdleRSSMiB   []float64 `json:"idle_rss_mib"`
}

// report is what one run of coldstart found.
type report struct {
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	CPUs      int    `json:"cpus"`
	// LoadAvg is the 1-minute load average when the report was made, for judging the noise.
	LoadAvg  float64   `json:"load_avg_1m"`
	Binaries []summary `json:"binaries"`
}

// newReport summarizes each target's samples, in the targets' order.
func newReport(targets []target, samples map[string][]sample) report {
	r := report{
		Date:      time.Now().UTC().Format(time.DateOnly),
		GoVersion: runtime.Version(),
		CPUs:      runtime.NumCPU(),
		LoadAvg:   machine.LoadAvg(),
	}
	for _, t := range targets {
		r.Binaries = append(r.Binaries, summarize(t.Name, samples[t.Name]))
	}
	bare, framework, db := r.median("bare"), r.median("framework"), r.median("framework+db")
	for i := range r.Binaries {
		if bare > 0 {
			r.Binaries[i].PerBare = r.Binaries[i].StartMedianMS / bare
		}
		if framework > 0 {
			r.Binaries[i].PerFramework = r.Binaries[i].StartMedianMS / framework
		}
		if db > 0 {
			r.Binaries[i].PerDatabase = r.Binaries[i].StartMedianMS / db
		}
	}
	return r
}

// median is the named binary's median start, 0 when it was not measured.
func (r report) median(name string) float64 {
	for _, s := range r.Binaries {
		if s.Name == name {
			return s.StartMedianMS
		}
	}
	return 0
}

// summarize turns one binary's samples into milliseconds and MiB with their median and p90.
func summarize(name string, samples []sample) summary {
	s := summary{Name: name, Runs: len(samples)}
	for _, x := range samples {
		s.StartsMS = append(s.StartsMS, float64(x.Start)/float64(time.Millisecond))
		s.IdleRSSMiB = append(s.IdleRSSMiB, float64(x.IdleRSS)/(1<<20))
	}
	s.StartMedianMS = median(s.StartsMS)
	s.StartP90MS = percentile(s.StartsMS, 0.9)
	s.IdleRSSMedianMiB = median(s.IdleRSSMiB)
	return s
}

// median is the middle value, or the mean of the two middle values, of xs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(xs))
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	return (sorted[mid-1] + sorted[mid]) / 2
}

// percentile is the nearest-rank p-th percentile of xs, p in (0, 1].
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(xs))
	rank := int(p*float64(len(sorted)) + 0.999999)
	return sorted[max(rank, 1)-1]
}

// writeJSON prints the report as indented JSON.
func (r report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable prints one row per binary, with its start over each floor's, and the machine
// beneath.
func (r report) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "binary\truns\tstart median\tstart p90\t/ bare\t/ framework\t/ framework+db\tidle RSS median\t")
	for _, s := range r.Binaries {
		fmt.Fprintf(tw, "%s\t%d\t%.1f ms\t%.1f ms\t%.2fx\t%.2fx\t%.2fx\t%.1f MiB\t\n",
			s.Name, s.Runs, s.StartMedianMS, s.StartP90MS, s.PerBare, s.PerFramework, s.PerDatabase, s.IdleRSSMedianMiB)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s, %s, %d CPUs, load %.2f\n", r.Date, r.GoVersion, r.CPUs, r.LoadAvg)
	return err
}
