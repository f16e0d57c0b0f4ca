"""scikit-learn's three clustering scores in numpy, for machines without scikit-learn.

make_golden.py installs this module as `sklearn.metrics` only when scikit-learn is not importable,
so that the authors' evaluation/unsupervised/unsup_cls.eval_pred runs unchanged. Each function
follows scikit-learn 1.2's definition (sklearn/metrics/cluster/_supervised.py): the same
contingency table, the same formulas and the same special cases.
"""
import math

import numpy as np


def contingency_matrix(labels_true, labels_pred):
    classes, class_idx = np.unique(np.asarray(labels_true), return_inverse=True)
    clusters, cluster_idx = np.unique(np.asarray(labels_pred), return_inverse=True)
    table = np.zeros((classes.shape[0], clusters.shape[0]), dtype=np.int64)
    np.add.at(table, (class_idx, cluster_idx), 1)
    return table


def entropy(labels):
    """Natural-log entropy of a labelling; 1.0 for an empty one, as scikit-learn returns."""
    labels = np.asarray(labels)
    if len(labels) == 0:
        return 1.0
    _, idx = np.unique(labels, return_inverse=True)
    pi = np.bincount(idx).astype(np.float64)
    pi = pi[pi > 0]
    if pi.size == 1:
        return 0.0
    pi_sum = np.sum(pi)
    return float(-np.sum((pi / pi_sum) * (np.log(pi) - math.log(pi_sum))))


def mutual_info_score(labels_true, labels_pred):
    table = contingency_matrix(labels_true, labels_pred)
    nzx, nzy = np.nonzero(table)
    nz_val = table[nzx, nzy]
    contingency_sum = table.sum()
    pi = table.sum(axis=1)
    pj = table.sum(axis=0)
    if pi.size == 1 or pj.size == 1:
        return 0.0
    log_contingency_nm = np.log(nz_val)
    contingency_nm = nz_val / contingency_sum
    outer = pi.take(nzx).astype(np.int64) * pj.take(nzy).astype(np.int64)
    log_outer = -np.log(outer) + math.log(pi.sum()) + math.log(pj.sum())
    mi = contingency_nm * (log_contingency_nm - math.log(contingency_sum)) + contingency_nm * log_outer
    mi = np.where(np.abs(mi) < np.finfo(mi.dtype).eps, 0.0, mi)
    return float(np.clip(mi.sum(), 0.0, None))


def normalized_mutual_info_score(labels_true, labels_pred, average_method="arithmetic"):
    if average_method != "arithmetic":
        raise NotImplementedError(average_method)
    classes = np.unique(labels_true)
    clusters = np.unique(labels_pred)
    if classes.shape[0] == clusters.shape[0] == 1 or classes.shape[0] == clusters.shape[0] == 0:
        return 1.0
    mi = mutual_info_score(labels_true, labels_pred)
    if mi == 0:
        return 0.0
    h_true, h_pred = entropy(labels_true), entropy(labels_pred)
    return mi / np.mean([h_true, h_pred])


def pair_confusion_matrix(labels_true, labels_pred):
    n_samples = np.int64(len(labels_true))
    table = contingency_matrix(labels_true, labels_pred)
    n_c = table.sum(axis=1)
    n_k = table.sum(axis=0)
    sum_squares = (table ** 2).sum()
    c = np.empty((2, 2), dtype=np.int64)
    c[1, 1] = sum_squares - n_samples
    c[0, 1] = table.dot(n_k).sum() - sum_squares
    c[1, 0] = table.transpose().dot(n_c).sum() - sum_squares
    c[0, 0] = n_samples ** 2 - c[0, 1] - c[1, 0] - sum_squares
    return c


def adjusted_rand_score(labels_true, labels_pred):
    (tn, fp), (fn, tp) = pair_confusion_matrix(labels_true, labels_pred)
    tn, fp, fn, tp = int(tn), int(fp), int(fn), int(tp)
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def fowlkes_mallows_score(labels_true, labels_pred):
    n_samples = len(labels_true)
    table = contingency_matrix(labels_true, labels_pred)
    tk = np.dot(table.ravel(), table.ravel()) - n_samples
    pk = np.sum(table.sum(axis=0) ** 2) - n_samples
    qk = np.sum(table.sum(axis=1) ** 2) - n_samples
    return float(np.sqrt(tk / pk) * np.sqrt(tk / qk)) if tk != 0.0 else 0.0
