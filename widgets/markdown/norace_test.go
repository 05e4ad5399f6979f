//go:build !race

package markdown

// raceDetector is whether the tests run with the race detector (see race_test.go).
const raceDetector = false
