# Aliases for the two commands in dev.py (which needs nothing but Python).
.PHONY: run test check clean

run:
	python3 dev.py run

test:
	python3 dev.py test

check:
	python3 dev.py check

clean:
	rm -rf .venv db.sqlite3 media staticfiles .test-media
