"""Host side of the devcloud: installs, configures, starts and stops a local OpenStack.

Python standard library only; anything that needs openstacksdk runs as a script inside the
services' own venv (see ``devcloud/scripts``).
"""
