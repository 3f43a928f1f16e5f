.PHONY: run test ci bench messages
run:      ; scripts/run-demo.sh
test:     ; scripts/test.sh
ci:       ; bash .ci/run
bench:    ; .venv/bin/python bench/report.py && .venv/bin/python bench/import.py && .venv/bin/python bench/hostile.py && .venv/bin/python bench/rounds.py
messages: ; DEBUG=1 .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=bench && DEBUG=1 .venv/bin/python manage.py compilemessages -l en --ignore=.venv && for f in django djangojs; do msgfmt --check -o locale/vi/LC_MESSAGES/$$f.mo locale/vi/LC_MESSAGES/$$f.po; done
