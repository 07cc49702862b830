"""noticescan core: configuration, data model, pipeline and command line."""

import os
import sys
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("noticescan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


# Console scripts that run our code: ours, and Dask's, whose workers run scan tasks (a spawned
# worker process inherits the script's argv and sys.path).
_SCRIPTS = {"noticescan", "dask", "dask-worker"}


def _drop_script_folder() -> None:
    """Take the `noticescan` (or `dask worker`) console script's own folder off sys.path.

    Python puts a script's folder first on sys.path, and for a console script that is the
    virtualenv's bin/, where impacket installs example scripts named like modules
    (`smbclient.py`), which then shadow smbprotocol's `smbclient` package. Our own code never
    lives in bin/, so nothing is lost.
    """
    if not sys.argv or not sys.path or os.path.basename(sys.argv[0]) not in _SCRIPTS:
        return
    script_dir = os.path.dirname(os.path.abspath(sys.argv[0]))
    # Anywhere, not only first: a Dask worker puts its scratch folders before it.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != script_dir]


_drop_script_folder()
