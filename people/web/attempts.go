package web

import (
	"math"
	"strconv"
	"time"
)

// minutes writes a wait as whole minutes, rounded up: "1 minute", "3 minutes".
func minutes(d time.Duration) string {
	n := int(math.Ceil(d.Minutes()))
	if n <= 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// seconds writes a wait as whole seconds, rounded up, for Retry-After.
func seconds(d time.Duration) string { return strconv.Itoa(int(math.Ceil(d.Seconds()))) }
