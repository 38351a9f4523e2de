"""One connector per platform, of one shape, on the real client libraries (docs/connectors.md).

Owns: the contract (:mod:`.base`), the error taxonomy (:mod:`.errors`) and each platform's error
table (``<platform>_errors.py``), the one call-and-classify step (:mod:`.calls`), the shared
transport that decides where requests may go (:mod:`.transport`), the client cache, media
preparation, log redaction, the registry, the fake for tests, and the tables shared with the
sandbox (:mod:`.graph_versions`, :mod:`.x_prices`).

May import: the standard library and the platform libraries (tweepy, facebook-sdk, instagrapi,
requests, Pillow); never ``scheduler``, ``workers`` or ``sandbox``
(tests/unit/test_import_contract.py).
"""
