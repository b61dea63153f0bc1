# The two commands of the README. Both set up whatever is missing first.
.PHONY: run test setup benchmark loadtest lint

run:
	@scripts/run.sh

test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

benchmark:
	@scripts/benchmark.sh

lint:
	@scripts/lint.sh

loadtest:
	@scripts/loadtest.sh $(LOADTEST_ARGS)

# Scale-out on one machine (docs/deploy.md): Rasa instances behind nginx, PostgreSQL, Redis.
.PHONY: run-cluster stop-cluster cluster-status

run-cluster:
	@scripts/cluster.sh start

stop-cluster:
	@scripts/cluster.sh stop

cluster-status:
	@scripts/cluster.sh status
