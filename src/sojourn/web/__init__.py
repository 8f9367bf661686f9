"""The web pages (Jinja2 + htmx), served by the API's app through the same access control
and audit."""
