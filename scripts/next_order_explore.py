#!/usr/bin/env python3
"""Next-order ideas tried outside crossbuy on the Kaggle member/date groceries (docs/evaluation.md,
"What was tried for the next order"). Same protocol as `crossbuy eval --task next-order`: orders
(member, date) in time order, train on the first 80%, a case is a member's order followed by
their next order within 30 days in the test part, targets = the new items; HR@4 and coverage.
Also on a validation split (the last 20% of the training orders). Plain Python, no packages:

    python3 scripts/next_order_explore.py ../shared/data
"""
import collections
import csv
import datetime
import sys

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
rows = list(csv.reader(open(f"{DATA}/groceries_kaggle_member_date/Groceries_dataset.csv")))[1:]
orders={}; first={}
for i,(c,d,it) in enumerate(rows):
    k=(c,d)
    if k not in orders: orders[k]=set(); first[k]=i
    orders[k].add(it.strip())
def day(d): dd,mm,yy=d.split('-'); return datetime.date(int(yy),int(mm),int(dd)).toordinal()
keys=sorted(orders, key=lambda k:(day(k[1]), first[k]))
cut=round(len(keys)*0.8)
train=keys[:cut]; test=keys[cut:]
def cases_of(ks):
    byc=collections.defaultdict(list)
    for k in ks: byc[k[0]].append(k)
    out=[]
    for c,l in byc.items():
        for a,b in zip(l,l[1:]):
            if day(b[1])-day(a[1])<=30:
                t=orders[b]-orders[a]
                if t: out.append((orders[a],t))
    return out
def build(tr):
    cnt=collections.Counter(); pair=collections.Counter()
    for k in tr:
        s=orders[k]; cnt.update(s)
        for a in s:
            for b in s:
                if a!=b: pair[a,b]+=1
    return cnt,pair
def trans(tr):
    # consecutive order transitions in training
    byc=collections.defaultdict(list)
    for k in tr: byc[k[0]].append(k)
    tc=collections.Counter(); tp=collections.Counter(); tgt=collections.Counter(); n=0
    for c,l in byc.items():
        for a,b in zip(l,l[1:]):
            if day(b[1])-day(a[1])<=30:
                new=orders[b]-orders[a]
                n+=1; tgt.update(new)
                for i in orders[a]:
                    tc[i]+=1
                    for j in new: tp[i,j]+=1
    return tc,tp,tgt,n
def evaluate(cases, scorer, catalog):
    hr=0; shown=set()
    for ctx,t in cases:
        s=scorer(ctx)
        cand=sorted((x for x in s if x not in ctx and s[x]>0), key=lambda x:(-s[x],x))[:4]
        shown.update(cand)
        hr+= any(x in t for x in cand)
    return hr/len(cases), len(shown)/len(catalog)
def experiment(train, test_cases, label):
    cnt,pair=build(train)
    tc,tp,tgt,n=trans(train)
    cat=list(cnt)
    top=max(cnt.values())
    nb=len(train)
    res={}
    pop=lambda ctx:{j:cnt[j] for j in cat}
    res['pop']=evaluate(test_cases,pop,cat)
    res['tgtpop']=evaluate(test_cases,lambda ctx:{j:tgt[j]+1e-3*cnt[j] for j in cat},cat)
    # recency popularity
    last_day=day(train[-1][1])
    for h in (30,90,180):
        rc=collections.Counter()
        for k in train:
            w=0.5**((last_day-day(k[1]))/h)
            for i in orders[k]: rc[i]+=w
        res[f'recent{h}']=evaluate(test_cases,lambda ctx,rc=rc:{j:rc[j] for j in cat},cat)
    def cooc(ctx):
        s=collections.Counter()
        for i in ctx:
            for j in cat:
                if pair[i,j]: s[j]+=pair[i,j]
        return s
    res['cooc']=evaluate(test_cases,cooc,cat)
    for w in (0.5,1,2,4):
        def f(ctx,w=w):
            s={}
            for j in cat:
                conf=sum(pair[i,j]/cnt[i] for i in ctx if i in cnt)/max(1,len(ctx))
                lift=conf/(cnt[j]/nb)
                s[j]=cnt[j]/nb*(lift**(1/w))
            return s
        res[f'poplift{w}']=evaluate(test_cases,f,cat)
    for w in (0.5,1,2,4):
        def g(ctx,w=w):
            s={}
            for j in cat:
                m=sum(tp[i,j] for i in ctx if i in tc)
                d=sum(tc[i] for i in ctx if i in tc)
                s[j]=(m+w*10*tgt[j]/max(1,n))/(d+w*10)
            return s
        res[f'trans{w}']=evaluate(test_cases,g,cat)
    print(label, len(test_cases))
    for k,v in res.items(): print(f'  {k:12s} hr4 {v[0]:.4f} cov {v[1]:.3f}')
# validation inside training
vcut=round(len(train)*0.8)
experiment(train[:vcut], cases_of(train[vcut:]), 'validation')
experiment(train, cases_of(test), 'test')
