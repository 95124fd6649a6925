// Package machine reports what the benchmarks print beside their figures about the machine they
// ran on, since these machines are shared and a figure means little without its load.
package machine

import (
	"os"
	"strconv"
	"strings"
)

// LoadAvg is the 1-minute load average, or 0 where /proc/loadavg is missing.
func LoadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0
	}
	f, _ := strconv.ParseFloat(fields[0], 64)
	return f
}
