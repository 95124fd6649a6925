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
	Name             string    `json:"name"`
	Runs             int       `json:"runs"`
	StartMedianMS    float64   `json:"start_median_ms"`
	StartP90MS       float64   `json:"start_p90_ms"`
	IdleRSSMedianMiB float64   `json:"idle_rss_median_mib"`
	StartsMS         []float64 `json:"starts_ms"`
	IdleRSSMiB       []float64 `json:"idle_rss_mib"`
}

// report is what one run of coldstart found.
type report struct {
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	CPUs      int    `json:"cpus"`
	// LoadAvg is the 1-minute load average when the report was made, for judging the noise.
	LoadAvg  float64   `json:"load_avg_1m"`
	Binaries []summary `json:"binaries"`
	// StartRatio is the functions server's median start over the bare server's.
	StartRatio float64 `json:"start_ratio"`
}

// newReport summarizes each target's samples, in the targets' order.
func newReport(targets []target, samples map[string][]sample) report {
	r := report{
		Date:      time.Now().UTC().Format(time.DateOnly),
		GoVersion: runtime.Version(),
		CPUs:      runtime.NumCPU(),
		LoadAvg:   machine.LoadAvg(),
	}
	medians := map[string]float64{}
	for _, t := range targets {
		s := summarize(t.Name, samples[t.Name])
		medians[t.Name] = s.StartMedianMS
		r.Binaries = append(r.Binaries, s)
	}
	if medians["bare"] > 0 {
		r.StartRatio = medians["functions"] / medians["bare"]
	}
	return r
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

// writeTable prints one row per binary and the start ratio beneath.
func (r report) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "binary\truns\tstart median\tstart p90\tidle RSS median\t")
	for _, s := range r.Binaries {
		fmt.Fprintf(tw, "%s\t%d\t%.1f ms\t%.1f ms\t%.1f MiB\t\n",
			s.Name, s.Runs, s.StartMedianMS, s.StartP90MS, s.IdleRSSMedianMiB)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nfunctions / bare, median start: %.1fx  (%s, %s, %d CPUs, load %.2f)\n",
		r.StartRatio, r.Date, r.GoVersion, r.CPUs, r.LoadAvg)
	return err
}
