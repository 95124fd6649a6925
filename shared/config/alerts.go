package config

import (
	"fmt"
	"math"
	"strconv"
)

// AlertConfig is when owners are told that a watch broke, and the ceiling on model spend.
type AlertConfig struct {
	// AfterFailures (TORALE_ALERT_AFTER_FAILURES, default 3) is how many failed runs in a row
	// alert a watch's owner.
	AfterFailures int
	// MonthlySpendCapUSD (TORALE_MONTHLY_SPEND_CAP_USD, default 25; 0 turns it off) is each
	// user's monthly model-spend cap in US dollars, unless an admin set the user their own.
	MonthlySpendCapUSD float64
}

// DefaultMonthlySpendCapUSD is the platform's spend cap per user when none is configured.
const DefaultMonthlySpendCapUSD = 25.0

func alertsFromEnv(getenv func(string) string, errs *[]error) AlertConfig {
	c := AlertConfig{AfterFailures: integer(getenv, "TORALE_ALERT_AFTER_FAILURES", 3, errs),
		MonthlySpendCapUSD: DefaultMonthlySpendCapUSD}
	if v := getenv("TORALE_MONTHLY_SPEND_CAP_USD"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			*errs = append(*errs, fmt.Errorf("TORALE_MONTHLY_SPEND_CAP_USD: %q is not an amount of US dollars (0 turns the cap off)", v))
		} else {
			c.MonthlySpendCapUSD = f
		}
	}
	return c
}
