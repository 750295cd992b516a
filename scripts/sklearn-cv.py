"""scikit-learn's side of the probe comparisons (test/probe-sklearn.test.ts, scripts/bench-probes.ts).

Reads a JSON file: the features (`x` as a list, or `x_file`, raw float32), `rows`, `dim`, `labels`,
then either `C` (one LogisticRegression fit on standardised features: its weights) or `foldOf`,
`inner` (the inner fold of each training row, per outer fold; inner fold 0 validates) and `grid`:
ctxembed's cross-validation protocol, fold by fold. `tol` and `max_iter` are LogisticRegression's.
Prints JSON: coef and intercept, or accuracy, folds, C per fold and seconds.
"""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

d = json.load(open(sys.argv[1]))
if "x_file" in d:
    X = np.fromfile(d["x_file"], dtype=np.float32).astype(np.float64).reshape(d["rows"], d["dim"])
else:
    X = np.array(d["x"], dtype=np.float64).reshape(d["rows"], d["dim"])
y = np.array(d["labels"])
tol, max_iter = d.get("tol", 1e-10), d.get("max_iter", 100000)


def fit(C, Xs, rows):
    return LogisticRegression(C=C, tol=tol, max_iter=max_iter).fit(Xs[rows], y[rows])


began = time.time()
if "C" in d:
    Xs = StandardScaler().fit_transform(X)
    m = fit(d["C"], Xs, np.arange(len(y)))
    out = {"coef": m.coef_.tolist(), "intercept": m.intercept_.tolist()}
else:
    fold = np.array(d["foldOf"])
    accs, Cs = [], []
    for f in range(fold.max() + 1):
        train, test = np.where(fold != f)[0], np.where(fold == f)[0]
        Xs = StandardScaler().fit(X[train]).transform(X)
        inner = np.array(d["inner"][f])
        fit_rows, valid = train[inner != 0], train[inner == 0]
        scores = [fit(C, Xs, fit_rows).score(Xs[valid], y[valid]) for C in d["grid"]]
        C = d["grid"][int(np.argmax(scores))]
        Cs.append(C)
        accs.append(fit(C, Xs, train).score(Xs[test], y[test]))
    out = {"accuracy": float(np.mean(accs)), "folds": accs, "C": Cs}
out["seconds"] = time.time() - began
print(json.dumps(out))
