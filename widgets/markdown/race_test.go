//go:build race

package markdown

// raceDetector is whether the tests run with the race detector, which makes parsing several
// times slower: the largest inputs are then cut down (see TestPathologicalMarkdown).
const raceDetector = true
