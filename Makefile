# Smart Dairy Analytics for Odoo 19: the commands a developer needs.
# `make run` and `make test` set up what they need themselves (see tools/env.sh).

.PHONY: run stop reset test test-engine lint format scale bench clean

run:            ## Odoo 19 with the whole suite and demo data on http://localhost:8069
	bash tools/run.sh

stop:           ## stop the throwaway PostgreSQL server and broker of this checkout
	bash -c 'source tools/env.sh; stop_postgres; stop_mosquitto'

reset:          ## drop the make run database (DB=smart_dairy): the next make run creates it anew
	bash tools/reset.sh

test:           ## every suite: engine (pytest) and, given an Odoo 19 tree, the Odoo suites and tours
	bash tools/test.sh

test-engine:    ## the engine suites only
	SMART_DAIRY_SKIP_ODOO=1 bash tools/test.sh

lint:           ## ruff (lint and format check) and pylint-odoo, as pre-commit does
	bash tools/lint.sh

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

scale:          ## fill a database for benchmarks: make scale DB=sd_scale
	bash tools/scale.sh $(DB)

bench:          ## run the benchmarks under bench/ and print their figures
	bash tools/bench.sh

clean:
	bash -c 'source tools/env.sh; stop_postgres'; rm -rf .venv
