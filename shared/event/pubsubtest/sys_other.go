//go:build !linux

package pubsubtest

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
