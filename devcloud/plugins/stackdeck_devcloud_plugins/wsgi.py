"""A WSGI entry point for gunicorn that wraps an OpenStack service's own WSGI module.

oslo.config parses ``sys.argv``; under gunicorn that holds gunicorn's own options, so each
service would exit with "unrecognized arguments". Reset it first, then import the service.

Environment:
  DEVCLOUD_WSGI_TARGET  the service's WSGI module, e.g. ``keystone.wsgi.api``
  DEVCLOUD_WSGI_ARGV    optional JSON list used as ``sys.argv`` (e.g. cinder's --config-file)
"""

import importlib
import json
import os
import sys

sys.argv = json.loads(os.environ.get("DEVCLOUD_WSGI_ARGV") or '["devcloud-wsgi"]')
application = importlib.import_module(os.environ["DEVCLOUD_WSGI_TARGET"]).application
