"""The orgsim Dash app: experiments under a results root, a what-if panel and downloads.

``create_app(root)`` builds the app and ``serve(root)`` runs it; ``orgsim dashboard`` calls
``serve``. Nothing is read at import: folders are listed at each page load.
"""

from dashboard.app import create_app, serve

__all__ = ["create_app", "serve"]
