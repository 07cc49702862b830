"""noticescan core: configuration, data model, pipeline and command line."""

import os
import sys
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("noticescan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


def _drop_script_folder() -> None:
    """Take the `noticescan` console script's own folder off sys.path.

    Python puts a script's folder first on sys.path, and for a console script that is the
    virtualenv's bin/, where impacket installs example scripts named like modules
    (`smbclient.py`), which then shadow smbprotocol's `smbclient` package. Our own code never
    lives in bin/, so nothing is lost.
    """
    if not sys.argv or not sys.path or os.path.basename(sys.argv[0]) != "noticescan":
        return
    script_dir = os.path.dirname(os.path.abspath(sys.argv[0]))
    if os.path.abspath(sys.path[0] or os.curdir) == script_dir:
        del sys.path[0]


_drop_script_folder()
