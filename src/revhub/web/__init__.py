"""The dashboard: server-rendered pages over the same numbers as the API.

``rendering`` holds the one ``router`` every page module adds its routes to, ``render``
(templates + the caller's navigation, filters and locale; ``?export=<id>`` CSV) and
``page_for``; ``pages`` signing in and out, the error pages and the imports of the page
modules; ``overview_page`` the scorecards; ``metric_pages`` revenue, funnel, pipeline and
marketing. ``filters`` reads the global filters from the URL, ``locale`` formats with
Babel, ``charts``/``chart_builder``/``page_charts`` build chart specs from metric values,
``tables`` describes tables, ``scorecard_view`` formats scorecard rows. ``templates/`` are
Jinja2; ``static/app.js`` draws the charts with the vendored ECharts (the content
security policy allows no inline script or style).
"""
