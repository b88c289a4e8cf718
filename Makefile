# careportal: two commands set everything up on a fresh machine with Python 3.11 and make.
#   make site   create .venv, install the pinned package, build the demo county into site/
#   make test   the full test suite (installs Debian's Chromium for the browser tests, and LibreOffice
#               and poppler-utils for the report tests, if missing)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test serve check browser office clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,zensical]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/careportal build --root . --out site
	@echo ""
	@echo "演示网站已生成：用浏览器打开 site/index.html，或运行 make serve 后访问 http://127.0.0.1:8000/"

serve: $(STAMP)
	$(BIN)/careportal serve --root .

check: $(STAMP)
	$(BIN)/careportal check --root .

# Browser tests drive Debian's Chromium; test tools' own browser downloads fail offline.
browser:
	@test -x /usr/bin/chromium || { echo "安装 Chromium（浏览器测试需要）…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Report tests open the generated .docx in LibreOffice (headless) and read the PDF with poppler.
office:
	@command -v libreoffice >/dev/null && command -v pdftotext >/dev/null || { echo "安装 LibreOffice 和 poppler-utils（报告测试需要）…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui poppler-utils fonts-noto-cjk >/dev/null; }

# The whole suite on MkDocs (the default engine), then the site, browser and zh-Hant tests again on
# Zensical (a subset: the demo county is built once more, by the other engine).
test: $(STAMP) browser office
	$(BIN)/python -m pytest
	CAREPORTAL_TEST_ENGINE=zensical $(BIN)/python -m pytest tests/test_site.py tests/test_browser.py tests/test_engines.py

clean:
	rm -rf site .pytest_cache
