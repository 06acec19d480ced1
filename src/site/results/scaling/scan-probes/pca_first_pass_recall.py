"""Recall@10 of a lower-dimensional first pass (item PCA to d dims over the h longest items, the R best re-ranked exactly) against exact top-10 over all 10^6 items. Inputs as head_order_recall.py. Usage: python3 pca_first_pass_recall.py > pca_first_pass_recall.txt"""
import numpy as np, time
X = np.load('runs/scaling/registry/synthetic-1000000/item_vectors.npy')
Q = np.load('runs/scaling/queries-1000000.npy')[:1000]
k=10
t=time.time()
S = Q @ X.T
exact = np.argpartition(-S, k, axis=1)[:, :k]
print('exact', time.time()-t)
norms = np.linalg.norm(X, axis=1); order = np.argsort(-norms, kind='stable')
rank = np.empty_like(order); rank[order] = np.arange(len(order))
Cx = X.T @ X / len(X); Cq = Q.T @ Q / len(Q)
ev = np.linalg.eigvalsh(Cx)[::-1]; print('item spectrum share', np.round(np.cumsum(ev)/ev.sum(), 3)[[7,15,23,31,47]])
# query-aware: eigenvectors of Cq^1/2 Cx Cq^1/2
w, V = np.linalg.eigh(Cq); Cq12 = V @ np.diag(np.sqrt(np.maximum(w,0))) @ V.T
w2, U = np.linalg.eigh(Cq12 @ Cx @ Cq12); U = U[:, ::-1]
print('joint spectrum share', np.round(np.cumsum(w2[::-1])/w2.sum(), 3)[[7,15,23,31,47]])
wx, Vx = np.linalg.eigh(Cx); Vx = Vx[:, ::-1]
for h in [232000, 300000, 400000]:
    head = order[:h]; Xh = X[head]
    for name, P in [('items', Vx)]:
        for d in [16, 24, 32]:
            Pd = P[:, :d]
            approx = (Q @ Pd) @ (Xh @ Pd).T
            for R in [50, 100, 200]:
                cand = head[np.argpartition(-approx, R, axis=1)[:, :R]]
                sc = np.einsum('qd,qrd->qr', Q, X[cand])
                top = np.take_along_axis(cand, np.argsort(-sc, axis=1)[:, :k], 1)
                rec = np.mean([len(set(a) & set(b))/k for a, b in zip(top, exact)])
                print(f'h={h} {name} d={d} R={R} recall={rec:.3f}', flush=True)
    print(f'h={h} scan-alone recall={np.mean(rank[exact] < h):.3f}')
