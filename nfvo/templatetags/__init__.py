"""Template tags of the web console (``{% load console %}``: :mod:`nfvo.templatetags.console`)."""
