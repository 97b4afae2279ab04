# make bench: the comparison table of issue 13 (markdown on stdout; the
# benchmark runs on stderr). COUNT runs of each, medians.
COUNT ?= 6

.PHONY: bench
bench:
	cd bench && go run ./cmd/table -count $(COUNT)
