# Civiscope: `make run` serves http://localhost:8080, `make test` runs the suite.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/civiscope

.PHONY: run test stop build bench lint refresh-territories clean

## run: install and start PostgreSQL if needed, migrate, load data, serve :8080
run: build
	@url=$${DATABASE_URL:-$$(scripts/pg.sh start)}; \
	DATABASE_URL=$$url exec ./$(BIN) serve

## test: gofmt, vet and every test against a real PostgreSQL
test:
	@scripts/test.sh

## stop: stop the project-local PostgreSQL
stop:
	@scripts/pg.sh stop

build:
	@$(GO) build -o $(BIN) ./cmd/civiscope

## bench: every Go benchmark and load test, as one table
bench: build
	@scripts/bench.sh

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	@$(GO) vet ./...

## refresh-territories: fetch the pinned INSEE register from npm into data/cog
refresh-territories:
	@scripts/refresh-territories.sh

clean:
	rm -rf bin artifacts
