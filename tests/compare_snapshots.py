#!/usr/bin/env python3
"""compare_snapshots.py A.h5 B.h5: every dataset of two odtwin snapshots, bitwise.

Exit 0 when both files hold the same datasets with identical values (NaN equal
to NaN, strings compared as text) and both say run_status "complete"; else 1
with the first difference. Attributes that name the run (run_id) or where it
ran are not compared.
"""
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main():
    a, b = sys.argv[1], sys.argv[2]
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        for f, p in ((fa, a), (fb, b)):
            status = f.attrs.get("run_status")
            status = status.decode() if isinstance(status, bytes) else status
            if status != "complete":
                print(f"{p}: run_status {status!r}, not 'complete'")
                return 1
        da, db = datasets(fa), datasets(fb)
        if set(da) != set(db):
            print(f"datasets differ: only in {a}: {sorted(set(da) - set(db))[:5]}, only in {b}: "
                  f"{sorted(set(db) - set(da))[:5]}")
            return 1
        for name in sorted(da):
            x, y = da[name][()], db[name][()]
            if isinstance(x, np.ndarray) and x.dtype.kind in "fc":
                same = x.shape == y.shape and x.dtype == y.dtype and \
                    np.array_equal(x.view(np.uint8), y.view(np.uint8))
            else:
                same = np.array_equal(np.asarray(x), np.asarray(y))
            if not same:
                print(f"dataset /{name} differs")
                return 1
        print(f"{len(da)} datasets identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
