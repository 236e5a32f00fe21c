//go:build race

package campaign_test

// raceEnabled is true under the race detector, which slows code tenfold.
const raceEnabled = true
