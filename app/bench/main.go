// Command bench measures Quire over loopback: it seeds a data directory with realistic pages,
// starts the server and a gin hello-world handler in the same process, drives each with the same
// concurrent clients, and prints requests per second and latency percentiles as ratios to the
// hello-world line, which is the ceiling of this machine in this run. `make bench` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"quire/app"
)

func main() {
	small := flag.Int("pages", 10_000, "pages seeded for the API scenarios")
	large := flag.Int("search-pages", 100_000, "pages seeded for the large search scenarios (0 to skip)")
	clients := flag.Int("clients", 16, "concurrent clients")
	duration := flag.Duration("duration", 4*time.Second, "how long each scenario runs")
	dataDir := flag.String("data", "", "data directory to seed, kept after (default: a new temporary one, removed after); pages it has already count")
	only := flag.String("only", "", "run only the scenarios whose name contains this")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured scenarios to this file")
	flag.Parse()
	onlyScenario, cpuProfileFile = *only, *cpuProfile
	if err := run(*small, *large, *clients, *duration, *dataDir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(small, large, clients int, duration time.Duration, dataDir string) error {
	ctx := context.Background()
	if dataDir == "" {
		dir, err := os.MkdirTemp("", "quire-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dataDir = filepath.Join(dir, "data")
	}
	// The bench's browser session reads as fast as it can: its rate is lifted, as its token's is.
	cfg, err := app.ConfigFromEnv(map[string]string{"QUIRE_DATA": dataDir, "QUIRE_ADDR": "127.0.0.1:0",
		"QUIRE_SESSION_RATE": "100000000/1s"})
	if err != nil {
		return err
	}
	// The access log is formatted as in production but dropped; errors are shown.
	inst, err := app.Start(ctx, cfg, io.Discard, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer inst.Stop()

	b, err := newBench(ctx, inst, clients, duration)
	if err != nil {
		return err
	}
	defer b.close()
	fmt.Printf("Quire benchmark: %d clients, %s a scenario, GOMAXPROCS %d\n", clients, duration, gomaxprocs())
	if err := b.seed(ctx, small); err != nil {
		return err
	}
	b.measure("hello-world (gin, no middleware)", b.hello)
	b.measure("auth/debug (the middleware alone)", b.authDebug)
	b.measure("pages/get", b.getPage)
	if err := b.visitPages(ctx); err != nil {
		return err
	}
	b.measure("HTML page view (session, pages read before)", b.pageView)
	b.measure("pages/all?limit=50", b.listPages)
	b.measure("paragraph update", b.updateParagraph)
	b.measure("markdown create", b.createMarkdown)
	b.uploads()
	b.searches(fmt.Sprintf("%dk", small/1000))
	if large > small {
		if err := b.seed(ctx, large); err != nil {
			return err
		}
		b.measure("hello-world (again, at this size)", b.hello)
		b.searches(fmt.Sprintf("%dk", large/1000))
	}
	b.print(os.Stdout)
	return nil
}
