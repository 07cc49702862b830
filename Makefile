# The two set-up commands on a fresh machine are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= scans

.PHONY: demo test lint bench-quality bench-independent bench-mail bench-records bench-extract bench-ocr bench-smb bench-incremental bench-throughput bench-tradeoff bench-detect-cpu bench-outside bench-person bench-report bench-cluster clean estate

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[all,dev]'
	touch $(STAMP)

estate: $(STAMP)
	$(BIN)/python examples/make_estate.py --out examples/estate

## demo: install into .venv, build the demo estate, scan it with config.example.toml
demo: estate
	@$(BIN)/noticescan scan --config config.example.toml --out $(OUT); rc=$$?; \
	case $$rc in 0|1|3) ;; *) exit $$rc ;; esac; \
	echo; echo "Scan output:  $(OUT)/latest/  (items.parquet, findings.parquet, scan.json)"; \
	if [ -f $(OUT)/latest/report.html ]; then echo "HTML report:  $(OUT)/latest/report.html"; fi; \
	echo "Exit code $$rc (0 = nothing beyond the notice's scope, 1 = beyond-scope findings, 3 = incomplete)."; \
	echo "Query it:     $(BIN)/noticescan query $(OUT)/latest \"select * from findings limit 10\""

## test: install what the tests need (Python packages, samba, dovecot, chromium) and run them,
## two test processes, one file at a time each (a module's server or cluster starts once);
## the 15 slowest tests are listed at the end, to see where the suite's time goes
test: $(STAMP)
	bash scripts/install-test-deps.sh
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=15

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/mypy

## bench-quality: precision/recall/F2 per entity, noticescan vs plain Presidio (a few minutes)
bench-quality: $(STAMP)
	$(BIN)/python -m bench.quality

## bench-independent: PERSON P/R/F1/F2 on human-labelled corpora (../shared/corpora), vs plain Presidio
bench-independent: $(STAMP)
	$(BIN)/python -m bench.independent

## bench-mail: PERSON P/R/F1/F2 on real company mail (the Enron PST, labels made here), vs plain Presidio
bench-mail: $(STAMP)
	$(BIN)/python -m bench.mail_people

## bench-records: international records, file x category, noticescan vs plain Presidio (minutes)
bench-records: $(STAMP)
	$(BIN)/python -m bench.records

## bench-throughput: CPU seconds and recall per kind of document, noticescan vs the naive Presidio loop
bench-throughput: $(STAMP)
	$(BIN)/python -m bench.throughput

## bench-tradeoff: speed per kind AND quality (independent PERSON, records) in one report; BASELINE=dir adds a checkout
bench-tradeoff: $(STAMP)
	$(BIN)/python -m bench.tradeoff $(if $(BASELINE),--baseline $(BASELINE))

## bench-detect-cpu: detector CPU on the ordinary documents' real segments, and a hash of the findings (speed work must keep it)
bench-detect-cpu: $(STAMP)
	$(BIN)/python -m bench.detect_cpu --per-recognizer

## bench-outside: a scan's time outside its workers (scope, report, writing) at 1,000 and 3,000 items
bench-outside: $(STAMP)
	$(BIN)/python -m bench.outside

## bench-extract: extraction MB/s per format on a generated corpus
bench-extract: $(STAMP)
	$(BIN)/python -m bench.extract

## bench-ocr: OCR pages/s per core and recall of planted values on clean, noisy and rotated pages
bench-ocr: $(STAMP)
	$(BIN)/python -m bench.ocr

## bench-smb: SMB read throughput over loopback (a real smbd) vs local disk
bench-smb: $(STAMP)
	bash scripts/install-test-deps.sh
	$(BIN)/python -m bench.smb

## bench-incremental: unchanged 100k-file re-scan vs a bare directory walk
bench-incremental: $(STAMP)
	$(BIN)/python -m bench.incremental

## bench-report: the report of 100,000 violations opened in headless Chromium (load time, size)
bench-report: $(STAMP)
	bash scripts/install-test-deps.sh
	$(BIN)/python -m bench.report

## bench-cluster: the local pool vs a local Dask cluster (overhead), and throughput vs workers
bench-cluster: $(STAMP)
	$(BIN)/python -m bench.cluster

## bench-person: one data-subject lookup on 10 million findings, one core
bench-person: $(STAMP)
	$(BIN)/python -m bench.person

clean:
	rm -rf $(VENV) examples/estate examples/estate.manifest.json $(OUT) .pytest_cache
