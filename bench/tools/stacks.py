# bench/tools/stacks.py FILE [frame-substring] [rows]: summarizes async-profiler collapsed stacks (threads, self, inclusive)
import sys,collections,re
f=sys.argv[1]; pat=sys.argv[2] if len(sys.argv)>2 else None
top=collections.Counter(); incl=collections.Counter(); thr=collections.Counter(); tot=0
for line in open(f):
    stack,_,c=line.rstrip().rpartition(' '); c=int(c)
    frames=stack.split(';')
    if pat and not any(pat in x for x in frames): continue
    tot+=c
    thr[re.sub(r'\d+','N',frames[0])]+=c
    top[frames[-1]]+=c
    for x in set(frames): incl[x]+=c
print('total',tot)
for t,c in thr.most_common(8): print('%5.1f%% %s'%(100*c/tot,t))
print('--self')
for t,c in top.most_common(30): print('%5.1f%% %s'%(100*c/tot,t))
print('--incl')
for t,c in incl.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 70): print('%5.1f%% %s'%(100*c/tot,t))
