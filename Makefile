# The two commands of the README. Both set up whatever is missing first.
.PHONY: run test test-fast setup benchmark loadtest lint

run:
	@scripts/run.sh

test:
	@scripts/test.sh

# The unit tier only (tests/unit/): no servers, model, browser or root; about a minute.
test-fast:
	@scripts/test_fast.sh

setup:
	@scripts/setup.sh

benchmark:
	@scripts/benchmark.sh

lint:
	@scripts/lint.sh

loadtest:
	@scripts/loadtest.sh $(LOADTEST_ARGS)

# For the organisation (docs/content-guide.md): the insights report, read-only from the
# tracker store (e.g. REPORT_ARGS="--since 2026-11-01 --until 2026-11-30 --out var/report"),
# and retraining after a content change (only when the data or config changed).
.PHONY: report train

report:
	@.venv/bin/python -m scripts.report $(REPORT_ARGS)

train:
	@scripts/setup.sh && echo "train: the model is up to date (models/iep.tar.gz)"

# Scale-out on one machine (docs/deploy.md): Rasa instances behind nginx, PostgreSQL, Redis.
.PHONY: run-cluster stop-cluster cluster-status

run-cluster:
	@scripts/cluster.sh start

stop-cluster:
	@scripts/cluster.sh stop

cluster-status:
	@scripts/cluster.sh status
