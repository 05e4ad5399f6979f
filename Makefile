# Quire. `make run` starts the wiki; `make test` runs every test. Nothing else is needed.
# The SQLite driver needs the sqlite_fts5 build tag for full-text search; GOFLAGS gives it to
# every go command below. The first build compiles SQLite (about a minute); later ones are fast.
export GOFLAGS := -tags=sqlite_fts5 -buildvcs=false
export CGO_ENABLED := 1

.PHONY: run build test vet fmt bench lint chromium

run: build
	./bin/quire serve

build:
	go build -o bin/quire .

vet:
	go vet ./...

test: vet chromium
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	go test -race -count=1 -timeout 20m ./...

# Browser tests drive headless Chromium; install it when this machine has none (about 30 s).
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ echo "Installing Chromium for the browser tests..."; \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

fmt:
	gofmt -w $$(git ls-files '*.go')

bench:
	go run ./app/bench

lint: vet
	gofmt -l .
