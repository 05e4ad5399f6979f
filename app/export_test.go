package app

// SetCrashHook makes the server call f at the points of a keyed request where a crash matters
// (see crashHook), so that a test can kill the process there.
func SetCrashHook(f func(point string)) { crashHook = f }
