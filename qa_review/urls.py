from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from reviews.web.views.council import report as council_report

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/v1/", include("reviews.api.urls")),
    path("works-council/report/", council_report, name="council-report"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("reviews.web.urls")),
]
if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

handler404 = "reviews.web.errors.not_found"
handler500 = "reviews.web.errors.server_error"
