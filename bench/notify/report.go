package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/torale-ai/torale/bench/machine"
)

// report is what one run found.
type report struct {
	Date       string           `json:"date"`
	GoVersion  string           `json:"go_version"`
	CPUs       int              `json:"cpus"`
	LoadBefore float64          `json:"load_avg_1m_before"`
	LoadAfter  float64          `json:"load_avg_1m_after"`
	Throughput []trial          `json:"throughput"`
	Channels   []kindTrial      `json:"channels"`
	Latency    []latencyFigures `json:"latency"`
	Micro      microFigures     `json:"micro"`
}

func newReport(_ options) report {
	return report{Date: time.Now().UTC().Format(time.DateOnly), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), LoadBefore: machine.LoadAvg()}
}

func (r report) write(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "%s, %s, %d CPUs, load %.2f → %.2f\n\n", r.Date, r.GoVersion, r.CPUs, r.LoadBefore, r.LoadAfter)
	fmt.Fprintln(tw, "notifiers\tdeliveries\tseconds\tdeliveries/s\t")
	best := map[int]float64{}
	for _, t := range r.Throughput {
		fmt.Fprintf(tw, "%d\t%d\t%.2f\t%.0f\t\n", t.Notifiers, t.Deliveries, t.Seconds, t.Rate)
		best[t.Notifiers] = max(best[t.Notifiers], t.Rate)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "best: one notifier %.0f/s, two notifiers %.0f/s\n\n", best[1], best[2])
	r.writeChannels(w)
	fmt.Fprintln(tw, "connections\tplain p50 µs\tguarded+signed p50 µs\tadded p50 µs\tplain mean µs\tguarded mean µs\tadded mean µs\tadded %\t")
	for _, l := range r.Latency {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.1f\t\n", l.Mode, l.PlainP50US, l.GuardedP50US, l.AddedP50US,
			l.PlainMeanUS, l.GuardedMeanUS, l.AddedMeanUS, l.AddedPctOfMean)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nalone: sign %.0f ns (two secrets %.0f ns), URL check %.0f ns, connect-time check %.0f ns\n",
		r.Micro.SignNS, r.Micro.SignTwoNS, r.Micro.CheckURLNS, r.Micro.ControlNS)
	return nil
}

// writeChannels prints each kind's best rate with one notifier and its ratio to the webhook's
// best in the same run, and the mean of the per-round ratios (each round took every kind in
// turn, the webhook first).
func (r report) writeChannels(w io.Writer) {
	if len(r.Channels) == 0 {
		return
	}
	best := map[string]float64{}
	hook := map[int]float64{}
	var kinds []string
	for _, t := range r.Channels {
		if _, ok := best[t.Kind]; !ok {
			kinds = append(kinds, t.Kind)
		}
		best[t.Kind] = max(best[t.Kind], t.Rate)
		if t.Kind == "webhook" {
			hook[t.Round] = t.Rate
		}
	}
	sum, rounds := map[string]float64{}, map[string]int{}
	for _, t := range r.Channels {
		if h := hook[t.Round]; h > 0 {
			sum[t.Kind] += t.Rate / h
			rounds[t.Kind]++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind (one notifier)\tbest deliveries/s\tbest / webhook best\tmean per-round ratio\t")
	for _, k := range kinds {
		mean := 0.0
		if rounds[k] > 0 {
			mean = sum[k] / float64(rounds[k])
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t\n", k, best[k], best[k]/best["webhook"], mean)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
}
