package pubsubtest

import "syscall"

// sysProcAttr kills the emulator with the test binary, so a crashed test leaves no JVM behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
