"""The one version of axialkg: the package's (pyproject reads it) and the release's owl:versionIRI."""

__version__ = "0.2.0"
