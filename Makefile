# Tianbao — build, test and demo on a fresh Debian/Ubuntu machine.
#
#   make demo   installs missing system packages, builds, runs the pipeline on samples/
#   make test   installs missing system packages, builds and runs every test

SWIFT ?= swift
# What building and running Tianbao needs: the C libraries (SQLite for the archive, through
# GRDB) and pkg-config. Nothing else: no
# Python, no office suite (make demo installs only these).
RUNTIME_PACKAGES := pkg-config libzip-dev libxml2-dev libxlsxwriter-dev zlib1g-dev libdeflate-dev libsqlite3-dev
# What the tests add: LibreOffice Calc and Writer as real clients (open, recalculate and save
# templates and outputs; convert the .docx briefing to PDF), Debian's own Python with Debian's
# openpyxl (never pip into the system Python: PEP 668), unzip, poppler-utils (pdftotext, pdfinfo),
# the Noto CJK fonts LibreOffice renders Chinese with, Carlito (metric-compatible with Calibri, the
# workbooks' default font: LibreOffice then lays out columns and pages as Excel does), time,
# python3-lxml for the strict OOXML validator (../shared/tools/ooxml, when present) the output tests
# run, and Debian's chromium, chromium-driver and python3-selenium for the portal's browser test (no
# browser is downloaded at test time).
TEST_PACKAGES := libreoffice-calc libreoffice-writer python3 python3-openpyxl python3-lxml unzip time poppler-utils fonts-noto-cjk \
  fonts-crosextra-carlito chromium chromium-driver python3-selenium
# The Python the tests and the sample scripts use: the system's, where python3-openpyxl lives,
# not whatever python3 comes first on PATH.
TEST_PYTHON ?= /usr/bin/python3
# make bench also needs a C compiler for its C peers, a Python venv for the Python ones (made
# from the system's Python into bench/.venv, with the peers' versions pinned), GNU time, and
# valgrind for instruction counts.
BENCH_PACKAGES := gcc binutils python3-venv valgrind time
BENCH_VENV := bench/.venv
BENCH_PEERS := python-calamine==0.9.1 openpyxl==3.1.5 pandas==3.1.1 xlsxwriter==3.3.1
BIN := .build/debug/tianbao

.PHONY: all deps test-deps docs build release test test-serial demo clean fixtures embed-plan templates samples fuzz test-asan bench bench-portal

all: build

# Installs whatever of the packages named is missing. As root it runs apt-get; otherwise it
# says what to run.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "安装缺少的系统软件包：$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "缺少系统软件包：$$missing"; \
	    echo "请运行：sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call install_missing,$(RUNTIME_PACKAGES))

test-deps: deps
	$(call install_missing,$(TEST_PACKAGES))

build: deps
	$(SWIFT) build

# The binary to give the office: optimized, with the Swift runtime and Foundation linked in,
# so it runs on a machine without Swift (it needs only the runtime packages' C libraries) and
# starts in about 40 ms less than a dynamically linked one. `make bench` measures this build.
RELEASE_FLAGS := -c release --static-swift-stdlib
# It has no test switches: fault injection is compiled into debug builds only (checked here).
release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product tianbao
	@! grep -q TIANBAO_FAULT_INJECT "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/tianbao" \
		|| { echo "release binary reads TIANBAO_FAULT_INJECT" >&2; exit 1; }
	@echo "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/tianbao"

# The test classes run in TEST_JOBS processes at once (one more than the cores by default: the
# end-to-end tests wait on LibreOffice, killed merges and locks, and a third process fills those
# waits), longest first (Tests/run_tests.py; Tests/test-times.tsv orders them;
# docs/design/tests.md says why running them at once is safe). `make test-serial` runs them one
# after another in one process, as `swift test` does.
TEST_JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
test: test-deps
	$(SWIFT) build --build-tests
	TIANBAO_TEST_PYTHON=$(TEST_PYTHON) $(TEST_PYTHON) Tests/run_tests.py --jobs $(TEST_JOBS) --times Tests/test-times.tsv \
	  "$$($(SWIFT) build --show-bin-path)/TianbaoPackageTests.xctest"

test-serial: test-deps
	$(SWIFT) build --build-tests
	TIANBAO_TEST_PYTHON=$(TEST_PYTHON) $(SWIFT) test --skip-build

# The real pipeline on samples/ with the embedded default plan: the sample year's rounds merged
# in order into a fresh archive (each merge's status 1, files rejected or units missing, is
# expected). The samples were signed with the public demo key in keys/ (an office uses its own
# key: see docs/guide/round.md).
DEMO_OUT := out/2021-06
DEMO_ROUNDS := 2021-03 2021-04 2021-05 2021-06
# The demo starts a fresh archive each time: the archive and its backups go (an archive missing
# beside its backups is refused, so that no office starts a new one by accident).
demo: build
	@rm -rf out/tianbao-archive.sqlite out/tianbao-archive.sqlite-wal out/tianbao-archive.sqlite-shm out/tianbao-archive.sqlite-journal out/tianbao-archive.sqlite.backups
	@for r in $(DEMO_ROUNDS); do \
	  $(BIN) merge samples/submissions/$$r --round $$r --out out/$$r --key keys/demo-signing.key; \
	  s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ] || exit $$s; echo; \
	done
	@$(BIN) review --year 2021 --out out/review-2021
	@echo
	@$(BIN) status samples/submissions/2021-06 --round 2021-06 --key keys/demo-signing.key | head -1
	@echo
	@echo "输出在 $(DEMO_OUT)/：汇总-2021-06.xlsx（汇总表）、简报-2021-06.md / .html / .docx（简报）、工作提示-2021-06.md（办公室工作提示）、反馈/（各单位反馈表）、report.json；汇总档案 out/tianbao-archive.sqlite（tianbao history）；年度回头看 out/review-2021/"

# Regenerates samples/submissions/2021-06 from templates/2021-06, then the months before it
# from June (needs openpyxl and LibreOffice).
samples: build test-deps
	$(TEST_PYTHON) samples/make_samples.py
	$(TEST_PYTHON) samples/make_year.py

# Regenerates the expected JSON of the reader's corpus tests with independent readers
# (openpyxl, python-calamine), installed into a virtual environment of its own (.venv-fixtures/).
# Needs network access to PyPI the first time.
FIXTURES_VENV := .venv-fixtures
fixtures: test-deps
	$(call install_missing,python3-venv)
	[ -x $(FIXTURES_VENV)/bin/python ] || $(TEST_PYTHON) -m venv $(FIXTURES_VENV)
	$(FIXTURES_VENV)/bin/python -m pip install -q openpyxl==3.1.5 python-calamine==0.9.1
	$(FIXTURES_VENV)/bin/python Tests/XLSXTests/Fixtures/corpus/make_expected.py

# Fuzzes the reader with libFuzzer and AddressSanitizer for FUZZ_SECONDS, seeded with the
# corpus. Inputs that crash are left in .build-fuzz/ as crash-*: copy each into
# Tests/XLSXTests/Fixtures/fuzz-regressions/ (the tests replay them all).
FUZZ_SECONDS ?= 600
fuzz: test-deps
	cd fuzz && $(SWIFT) build -c debug --scratch-path ../.build-fuzz -Xswiftc -sanitize=fuzzer,address \
	  -Xswiftc -parse-as-library -Xcc -fsanitize=fuzzer-no-link,address
	$(TEST_PYTHON) fuzz/make_seeds.py .build-fuzz/seeds
	mkdir -p .build-fuzz/corpus
	cd .build-fuzz && ./debug/XLSXFuzz -max_total_time=$(FUZZ_SECONDS) -max_len=200000 -rss_limit_mb=2048 \
	  -timeout=10 -print_final_stats=1 corpus seeds

# Benchmarks against the tools a user would otherwise pick (bench/run.sh); writes bench/RESULTS.md.
bench: deps
	$(call install_missing,$(BENCH_PACKAGES))
	[ -x $(BENCH_VENV)/bin/python ] || $(TEST_PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q $(BENCH_PEERS)
	mkdir -p bench/work
	BENCH_PYTHON=$(BENCH_VENV)/bin/python bash bench/run.sh > bench/work/table.md
	sed -n '/<!-- portal: begin -->/,/<!-- portal: end -->/p' bench/RESULTS.md > bench/work/portal-kept.md
	{ echo "# Benchmark results"; echo; echo "Made by \`make bench\` (bench/run.sh) on $$(date -u +%Y-%m-%d). The last column but one is Tianbao's wall time divided by each program's (for A and V rows: the M1 merge's): below 1 means Tianbao took less time."; echo; cat bench/work/table.md; } > bench/RESULTS.md
	[ ! -s bench/work/portal-kept.md ] || { echo; cat bench/work/portal-kept.md; } >> bench/RESULTS.md
	cat bench/RESULTS.md

# The portal under load (bench/portal_load.py, loopback only, bounded): 41 units of the sample
# round at once, then the 3,000 M1 files (made as `make bench` makes them) from 50 clients and a
# 汇总; replaces the portal's section of bench/RESULTS.md.
bench-portal: release test-deps
	mkdir -p bench/work
	[ -f bench/work/m1.yaml ] || $(TEST_PYTHON) bench/make_m1.py bench/work/m1.yaml 3000
	[ -d bench/work/m1-templates-2021-06 ] || .build/release/tianbao templates --plan bench/work/m1.yaml --round 2021-06 \
	  --out bench/work/m1-templates-2021-06 --key keys/demo-signing.key --no-carry
	[ -d bench/work/m1-3000 ] || $(TEST_PYTHON) bench/make_m1.py fill bench/work/m1-templates-2021-06 bench/work/m1-3000 3000
	$(TEST_PYTHON) bench/portal_load.py .build/release/tianbao keys/demo-signing.key samples/submissions/2021-06 templates/2021-06 \
	  bench/work/m1.yaml bench/work/m1-3000 bench/work/portal > bench/work/portal.md
	$(TEST_PYTHON) bench/portal_section.py bench/RESULTS.md bench/work/portal.md
	cat bench/work/portal.md

# The whole test suite under AddressSanitizer (its own build folder). Leak detection is off:
# at exit LeakSanitizer reports objects XCTest and Foundation keep alive and some strings
# libxlsxwriter 1.1.4 allocates internally, which would fail the run without being ours.
test-asan: test-deps
	$(SWIFT) build --build-tests --scratch-path .build-asan --sanitize=address
	TIANBAO_TEST_PYTHON=$(TEST_PYTHON) ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --scratch-path .build-asan --sanitize=address

clean:
	rm -rf .build

# Regenerates the embedded copy of the default plan from plans/default.yaml.
embed-plan:
	$(TEST_PYTHON) scripts/embed_plan.py

# Regenerates templates/2021-06 with the public demo key (a test fails when they are stale).
templates: build
	rm -rf templates/2021-06
	$(BIN) templates --round 2021-06 --out templates/2021-06 --key keys/demo-signing.key --no-carry

# Renders what leaders receive into docs/: every sheet of 汇总, the .docx briefing (LibreOffice →
# PDF → PNG) and the HTML briefing (headless Chromium).
docs: build test-deps
	$(call install_missing,chromium)
	sh scripts/render_docs.sh
