"""noticescan core: configuration, data model, pipeline and command line."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("noticescan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
