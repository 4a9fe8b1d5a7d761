"""Test-session setup kept to what must happen before any test module imports xlwings."""

import os

# xlwings registers its remote engine (PRO code, free for noncommercial and government use) at
# import time, only with a licence key. Tests only: product code never sets it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
