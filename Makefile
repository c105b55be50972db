# Two commands on a fresh machine: `make run` and `make test`. Everything installs into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# These targets run on a local machine: generated keys in var/, plain HTTP (gongjian/keys.py). Production sets
# SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY itself and does not use this Makefile.
export GONGJIAN_LOCAL ?= 1
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt | cksum | cut -d' ' -f1)

.PHONY: install run test test-postgres test-browser lint bench clean

$(STAMP):
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py generate --scale small --if-missing
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "共建 正在 http://127.0.0.1:$(PORT) 上运行，后台任务进程同时启动（Ctrl-C 一起停止）"
	$(BIN)/python manage.py serve --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gongjian} $(BIN)/python -m pytest -q

# On SQLite the browser tests use a database file: the default in-memory test database shares one cache between
# the live server's threads, where two writes at once fail at once ("database table is locked") instead of waiting.
test-browser: install
	mkdir -p var
	if [ -z "$$DATABASE_URL" ]; then export TEST_DATABASE_NAME="$(CURDIR)/var/test-browser.sqlite3"; fi; \
	GONGJIAN_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
