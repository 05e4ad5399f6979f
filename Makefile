# Quire. `make run` starts the wiki; `make test` runs every test. Nothing else is needed.
# The SQLite driver needs the sqlite_fts5 build tag for full-text search; GOFLAGS gives it to
# every go command below. The first build compiles SQLite (about a minute); later ones are fast.
export GOFLAGS := -tags=sqlite_fts5 -buildvcs=false
export CGO_ENABLED := 1

.PHONY: run build test vet fmt bench lint chromium vendor zapier-test

run: build
	./bin/quire serve

build:
	go build -o bin/quire .

vet:
	go vet ./...

test: vet chromium zapier-test
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	go test -race -count=1 -timeout 20m ./...

# The Zapier app (zapier/) and its tests, which start bin/quire on loopback. npm ci installs the
# exact versions of zapier/package-lock.json when node_modules is missing or older than the lock.
zapier-test: build
	cd zapier && { test node_modules/.package-lock.json -nt package-lock.json || \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; } && \
		QUIRE_BIN=$(CURDIR)/bin/quire npm test --silent

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

# Front-end libraries at the exact versions static/vendor/package.json pins, fetched from npm into a
# temporary directory; only their dist files are copied out and committed, so run and test never
# need npm. To update one, change its version in package.json and run `make vendor` (it rewrites
# package-lock.json). axe-core is for the browser tests only: it goes beside their harness, never
# under /static. SHA256SUMS lets a test catch a vendored file edited by hand. Scalar (the /docs
# page) is its browser bundle, one file that carries its styles; @scalar/api-reference ships no
# LICENSE file, so the MIT license of @scalar/api-client, from the same repository and bundled
# inside it, is the one copied.
VENDOR := static/vendor
vendor:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp $(VENDOR)/package.json "$$tmp"/ && { cp $(VENDOR)/package-lock.json "$$tmp"/ 2>/dev/null || true; } && \
	( cd "$$tmp" && npm install --ignore-scripts --no-audit --no-fund --save-exact --loglevel=error ) && \
	m="$$tmp/node_modules" && \
	cp "$$tmp"/package-lock.json $(VENDOR)/ && \
	cp "$$m"/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js && \
	cp "$$m"/trix/dist/trix.umd.min.js $(VENDOR)/trix.umd.min.js && \
	cp "$$m"/trix/dist/trix.css $(VENDOR)/trix.css && \
	cp "$$m"/htmx.org/LICENSE $(VENDOR)/LICENSE.htmx.txt && \
	cp "$$m"/trix/LICENSE $(VENDOR)/LICENSE.trix.txt && \
	cp "$$m"/@scalar/api-reference/dist/browser/standalone.js $(VENDOR)/scalar.standalone.js && \
	cp "$$m"/@scalar/api-client/LICENSE $(VENDOR)/LICENSE.scalar.txt && \
	cp "$$m"/axe-core/axe.min.js app/apptest/browser/axe.min.js && \
	cp "$$m"/axe-core/LICENSE app/apptest/browser/LICENSE.axe-core.txt && \
	( cd $(VENDOR) && sha256sum htmx.min.js trix.umd.min.js trix.css scalar.standalone.js > SHA256SUMS ) && \
	( cd app/apptest/browser && sha256sum axe.min.js > SHA256SUMS ) && \
	echo "Vendored: $$(cd "$$m" && for p in htmx.org trix axe-core @scalar/api-reference; do printf '%s@%s ' $$p $$(node -p "require('./$$p/package.json').version"); done)"
