# The two commands of the README. Both set up whatever is missing first.
.PHONY: run test setup benchmark

run:
	@scripts/run.sh

test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

benchmark:
	@scripts/benchmark.sh
