"""The web edge: FastAPI, the JSON API ``/api/v1`` and the HTML pages (docs/api.md, docs/web.md).

Owns: :mod:`.app` (the application: middleware, error handlers, routers), :mod:`.api` (one
router per resource), :mod:`.pages` (the server-rendered pages), :mod:`.auth` (sign-in and
sign-out with the session cookie), :mod:`.deps` (who is calling, the unit of work, the clock),
:mod:`.errors` (domain errors as bilingual JSON), :mod:`.schemas` and :mod:`.dates` (what
requests may send), :mod:`.i18n`, and the middleware (:mod:`.limits`, :mod:`.security_headers`,
:mod:`.head_requests`, :mod:`.methods`).

May import: the services (use cases and read models), the domain, :mod:`scheduler.ports`,
``config.settings``, and of ``scheduler.store`` only what builds the engine and the unit of work
(``db``, ``unit_of_work``) and the names of the summary groups. Routes stay thin: parse, call a
service, shape the answer. Nothing below this layer imports it
(tests/unit/test_import_contract.py).
"""
