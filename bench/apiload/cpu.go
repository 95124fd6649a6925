package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTick is the unit of /proc/stat, USER_HZ, which Linux fixes at 100 a second for
// userspace whatever the kernel's own tick.
const clockTick = 10 * time.Millisecond

// cpuTimes is CPU time used so far: by this process (the server and the load generator) and by
// the whole machine (which adds PostgreSQL, and whatever else runs there). Their difference
// over a phase says how much of the work per request fell outside Go.
type cpuTimes struct {
	Self    time.Duration
	Machine time.Duration
}

// readCPU samples both clocks; a clock it cannot read stays zero.
func readCPU() cpuTimes {
	var t cpuTimes
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		t.Self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	t.Machine = machineBusy()
	return t
}

// sub is the CPU time used between earlier and t.
func (t cpuTimes) sub(earlier cpuTimes) cpuTimes {
	return cpuTimes{Self: t.Self - earlier.Self, Machine: t.Machine - earlier.Machine}
}

// machineBusy is the time all CPUs spent not idle, from the first line of /proc/stat: user,
// nice, system, irq, softirq and steal. It is 0 where there is no /proc.
func machineBusy() time.Duration {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} { // user nice system [idle iowait] irq softirq steal
		n, _ := strconv.ParseInt(fields[i], 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * clockTick
}
