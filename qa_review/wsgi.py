import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_review.settings.production")

application = get_wsgi_application()

# gunicorn runs no system checks: a production process with weak keys stops here.
from accounts.checks import refuse_weak_configuration  # noqa: E402

refuse_weak_configuration()
