"""Server-rendered pages (Django templates + htmx). Views call the same services and selectors as the API."""
