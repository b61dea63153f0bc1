# The two commands of the README. Both set up whatever is missing first.
.PHONY: run test setup benchmark loadtest

run:
	@scripts/run.sh

test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

benchmark:
	@scripts/benchmark.sh

loadtest:
	@scripts/loadtest.sh $(LOADTEST_ARGS)
