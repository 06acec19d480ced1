"""Recall@10 of an exact scan of the h "best" items alone, against exact top-10 over all 10^6 items, for three orderings of the head: by norm (today), by the query-weighted norm sqrt(x' E[qq'] x), and by mean + z sd of the score, both fitted on the other 1,000 queries. Inputs: the 10^6 synthetic version of `trainer scaling-catalogues` and its `trainer query-vectors` (runs/, not committed). Usage: python3 head_order_recall.py > head_order_recall.txt"""
import numpy as np
X = np.load('runs/scaling/registry/synthetic-1000000/item_vectors.npy')
Qall = np.load('runs/scaling/queries-1000000.npy'); Qfit = Qall[1000:]; Q = Qall[:1000]
k=10
exact = np.concatenate([np.argpartition(-(Q[i:i+250] @ X.T), k, axis=1)[:, :k] for i in range(0, 1000, 250)])
def recall(score):
    order = np.argsort(-score, kind='stable'); rank = np.empty_like(order); rank[order] = np.arange(len(order))
    r = rank[exact]
    return ' '.join(f'{h//1000}k:{np.mean(r < h):.3f}' for h in [50000, 100000, 150000, 232000])
print('norm      ', recall(np.linalg.norm(X, axis=1)))
C2 = Qfit.T @ Qfit / len(Qfit); mu = Qfit.mean(0); Cov = C2 - np.outer(mu, mu)
print('C2 norm   ', recall(np.sqrt(np.einsum('id,de,ie->i', X, C2, X))))
sd = np.sqrt(np.maximum(np.einsum('id,de,ie->i', X, Cov, X), 0)); m = X @ mu
for z in [1, 2, 3, 4, 5]:
    print(f'mu+{z}sd    ', recall(m + z*sd))
