package search_test

import (
	"testing"

	"quire/app/apptest/browser"
)

// TestMain closes the browser the browser tests share when they end.
func TestMain(m *testing.M) { browser.Main(m) }
