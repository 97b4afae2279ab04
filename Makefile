# make bench: the comparison table of issue 13 (markdown on stdout; the
# benchmark runs on stderr), COUNT runs of each, medians.
# make bench-readme: the same, also written into README.md's performance
# section (between its BEGIN/END make bench lines).
COUNT ?= 6

.PHONY: bench bench-readme
bench:
	cd bench && go run ./cmd/table -count $(COUNT)

bench-readme:
	cd bench && go run ./cmd/table -count $(COUNT) -readme ../README.md
