# Tianbao — build, test and demo on a fresh Debian/Ubuntu machine.
#
#   make demo   installs missing system packages, builds, runs the pipeline on samples/
#   make test   installs missing system packages, builds and runs every test

SWIFT ?= swift
# Debian packages the build and the tests need: the C libraries and pkg-config, and LibreOffice
# Calc, which the tests use as a real client (open, fill, save templates and outputs).
# The tests also fill templates with openpyxl (from PyPI).
APT_PACKAGES := pkg-config libzip-dev libxml2-dev libxlsxwriter-dev zlib1g-dev libreoffice-calc
BIN := .build/debug/tianbao

.PHONY: all deps build test demo clean fixtures embed-plan templates

all: build

# Installs whatever of APT_PACKAGES is missing. As root it runs apt-get; otherwise it says
# what to run.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "安装缺少的系统软件包:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "缺少系统软件包:$$missing"; \
	    echo "请运行:sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install -q openpyxl==3.1.5

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: build
	@echo "== tianbao cat --format tsv Tests/XLSXTests/Fixtures/corpus/xlsx/excelize__Book1.xlsx =="
	@$(BIN) cat --format tsv Tests/XLSXTests/Fixtures/corpus/xlsx/excelize__Book1.xlsx
	@echo
	@echo "读取完成。完整的 JSON 输出:$(BIN) cat Tests/XLSXTests/Fixtures/corpus/xlsx/excelize__Book1.xlsx"

# Regenerates the expected JSON of the reader's corpus tests with independent readers
# (openpyxl, python-calamine). Needs network access to PyPI the first time.
fixtures:
	python3 -m pip install -q openpyxl==3.1.5 python-calamine==0.9.1
	python3 Tests/XLSXTests/Fixtures/corpus/make_expected.py

clean:
	rm -rf .build

# Regenerates the embedded copy of the default plan from plans/default.yaml.
embed-plan:
	python3 scripts/embed_plan.py

# Regenerates templates/2021-06 with the public demo key (a test fails when they are stale).
templates: build
	rm -rf templates/2021-06
	$(BIN) templates --round 2021-06 --out templates/2021-06 --key keys/demo-signing.key
