# TDCS: `make run` and `make test` work on a fresh machine (they install what
# is missing first). Builds go to build/, the demo database to var/.
BUILD ?= build
JOBS ?= 2
DEMO_DB ?= var/demo.db
PORT ?= 8080

.PHONY: deps build web test test-slow run bench bench-national bench-engines bench-sessions bench-reports bench-api clean format

deps:
	@scripts/install-deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/Makefile web/dist/index.html
	cmake --build $(BUILD) -j$(JOBS)

# The web application (web/): its npm packages as the lockfile pins them,
# then the built files, which `tdcs serve --web web/dist` serves.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/package.json
web/node_modules/.installed: web/package-lock.json | deps
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -LE slow

# The slow checks (a year of sessions on a province, then a deep verify).
test-slow: build
	cd $(BUILD) && ctest --output-on-failure -L slow

run: build
	@mkdir -p var
	@if [ ! -f $(DEMO_DB) ]; then \
	  $(BUILD)/tdcs generate --profile demo --seed 1 --db $(DEMO_DB); \
	else \
	  $(BUILD)/tdcs init --db $(DEMO_DB); \
	fi
	@echo "Demo: An Dương (Hải Phòng), 250 tổ / groups, 8.425 hộ vay / borrowers."
	@scripts/demo-users.sh $(BUILD)/tdcs $(DEMO_DB)
	@echo "Đăng nhập / logins (mật khẩu / password: tdcs-demo-2026): demo.admin, demo.officer,"
	@echo "  demo.director, demo.association, demo.leader, demo.branch, demo.head, demo.board, demo.auditor"
	$(BUILD)/tdcs serve --db $(DEMO_DB) --host 127.0.0.1 --port $(PORT) --web web/dist

# Benchmarks print their figures; the national profile (≈ 11 GB of disk: the
# province database of 213,140 loans is 333 MB, and the nation is 32 times it) runs with
# `make bench-national`. Figures are kept in docs/PERFORMANCE.md.
bench: build
	$(BUILD)/network_bench --benchmark_filter='Generate/province|ImportBorrowers|Find'
	$(BUILD)/loans_bench --benchmark_filter='province|Collections|Fsync'

# SQLite and PostgreSQL side by side (a private durable PostgreSQL cluster):
# load, sessions, end of day, verify. PROFILE=province for the larger run.
bench-engines: build
	bench/engines.sh $(BUILD)

# A month of sessions through the session record on PostgreSQL beside
# pgbench's TPC-B, then ratings and fees. PROFILE=national for the full book.
bench-sessions: build
	bench/sessions.sh $(BUILD)

# Reports from the read model beside plain SQL over the journal (province;
# PROFILE=national for the whole book).
bench-reports: build
	bench/reports.sh $(BUILD)

# The HTTP API under load (wrk on loopback, 64 connections): borrower pages,
# loan views, payments, on the province book.
bench-api: build
	bench/api_load.sh $(BUILD)

bench-national: build
	$(BUILD)/network_bench --benchmark_filter='Generate/national'
	$(BUILD)/loans_bench --benchmark_filter='national'

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc' 'tests/*.h')

clean:
	rm -rf $(BUILD) var
